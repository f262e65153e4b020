"""Error codes of the engine family (computing indicators). Codes are stable."""

from monitor.errors import CATALOGUE, register

E = "engine"

if "engine-unknown-indicator" not in CATALOGUE:  # imported by monitor.engine too; register once
    register("engine-unknown-indicator", E, "Unknown indicator '{indicator}' (known: {known}).",
             "Невідомий індикатор '{indicator}' (відомі: {known}).",
             "Run `monitor validate` to list the framework's indicators.",
             "Запустіть `monitor validate`, щоб побачити індикатори рамки.")
    register("engine-unknown-level", E, "Unknown territory level '{level}' (use one of: {known}).",
             "Невідомий рівень території '{level}' (можливі: {known}).")
    register("engine-unknown-period", E, "Unknown period '{period}' (use one of: {known}).",
             "Невідомий період '{period}' (можливі: {known}).")
