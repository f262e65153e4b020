"""Error codes for places in imported data that do not resolve to one unit of the reference. Codes are stable.

Parameters come from `monitor.ingest.territory_match.Match.issue_params`: value, level (English, singular),
level_uk (Ukrainian, genitive plural: громад / районів / областей), in_oblast/in_oblast_uk,
candidates/candidates_uk, oblast/oblast_uk, found_oblast/found_oblast_uk, oblasts/oblasts_uk.
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
    "'{value}' is a KATOTTG code outside the monitored oblasts ({oblasts}).",
    "«{value}» — код КАТОТТГ поза областями моніторингу ({oblasts_uk}).",
    "Check the code; only units of these oblasts can be imported.",
    "Перевірте код: імпортувати можна лише одиниці цих областей.",
)
register(
    "territory-mismatch", T,
    "'{value}' is a {level} of {found_oblast}, not of {oblast}: {candidates}.",
    "«{value}» знайдено в області «{found_oblast_uk}», а не «{oblast_uk}»: {candidates_uk}.",
    "Check the oblast column or the name.",
    "Перевірте колонку області або назву.",
)
