"""The places the engine tests build their answers in (real KATOTTG codes of the reference).

A module of its own, not conftest: `from conftest import ...` finds whichever conftest pytest imported
first under that name (tests/reports/conftest.py when both folders run in one process)."""

OBLAST = "UA35000000000016081"  # Кіровоградська
OBLAST2 = "UA53000000000028050"  # Полтавська
RAION = "UA35020000000074289"  # Голованівський
RAION2 = "UA35040000000034705"  # Кропивницький
H1, H2, H3 = "UA35020010000028961", "UA35020030000022644", "UA35020050000014205"  # in RAION
H4 = "UA35040010000022631"  # in RAION2
RAION_P = "UA53020000000034761"
H_P = "UA53020010000035494"  # Глобинська, Полтавська

HROMADA_OF = {H1: RAION, H2: RAION, H3: RAION, H4: RAION2, H_P: RAION_P}
OBLAST_OF = {RAION: OBLAST, RAION2: OBLAST, RAION_P: OBLAST2}
