"""Error codes for places in imported data that do not resolve to one unit of the reference. Codes are stable.

Parameters come from `monitor.ingest.territory_match.Match.issue_params`: value, level (English, singular),
level_uk (Ukrainian, genitive plural: громад / районів / областей), in_oblast/in_oblast_uk,
candidates/candidates_uk, expected_in/expected_in_uk (the oblast and raion given, or the monitored oblasts),
found_in/found_in_uk, matched/matched_uk, score.
"""

from monitor.errors import register

T = "territory"

register(
    "territory-unknown", T,
    "'{value}' is not a known {level}{in_oblast}. Closest: {candidates}.",
    "«{value}» немає серед відомих {level_uk}{in_oblast_uk}. Найближчі: {candidates_uk}.",
    "Write the KATOTTG code or the exact name.",
    "Вкажіть код КАТОТТГ або точну назву.",
)
register(
    "territory-ambiguous", T,
    "'{value}' matches more than one {level}{in_oblast}: {candidates}.",
    "«{value}» підходить до кількох {level_uk}{in_oblast_uk}: {candidates_uk}.",
    "Write the KATOTTG code, or fill in the oblast and raion so the name points to one unit.",
    "Вкажіть код КАТОТТГ або заповніть область і район, щоб назва вказувала на одну одиницю.",
)
register(
    "territory-outside-scope", T,
    "'{value}' is a KATOTTG code outside the monitored oblasts ({expected_in}).",
    "«{value}» — код КАТОТТГ поза областями моніторингу ({expected_in_uk}).",
    "Check the code; only units of these oblasts can be imported.",
    "Перевірте код: імпортувати можна лише одиниці цих областей.",
)
register(
    "territory-mismatch", T,
    "'{value}' is a {level} in {found_in}, not in {expected_in}: {candidates}.",
    "«{value}» належить до іншої території ({found_in_uk}), ніж зазначено ({expected_in_uk}): {candidates_uk}.",
    "Check the oblast and raion columns, or the name.",
    "Перевірте колонки області й району або назву.",
)
register(
    "territory-fuzzy", T,
    "'{value}' was read as {matched} ({score}% similar).",
    "«{value}» прочитано як {matched_uk} (схожість {score}%).",
    "Check it, or write the exact name or KATOTTG code.",
    "Перевірте це або вкажіть точну назву чи код КАТОТТГ.",
    severity="warning",
)
