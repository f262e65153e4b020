"""The monitoring framework as data: YAML definitions of indicators, instruments and parameters, validated in one pass.

`loader` reads and validates a framework folder, `models` are its pydantic definitions, `params` the parameters
with validity and verification, `schema` the JSON Schemas editors use, `xlsform` the instruments as XLSForm.
"""

# Public modules (each published whole); checks, docs and yamlsrc stay inside the framework.
__all__ = ["loader", "models", "params", "schema", "xlsform"]
