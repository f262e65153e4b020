"""Error codes of the report family. Codes are stable."""

from monitor.errors import register

for _code, _en, _uk, _hen, _huk in (
    ("report-unknown-period", "No results for period '{period}'. Periods with data: {known}.",
     "Немає результатів за період «{period}». Періоди з даними: {known}.",
     "Pass --period with one of the periods listed.", "Укажіть --period з переліку."),
    ("report-unknown-oblast", "Unknown oblast '{oblast}'. Oblasts: {known}.",
     "Невідома область «{oblast}». Області: {known}.",
     "Pass --oblast with a KATOTTG oblast code or name.", "Укажіть --oblast кодом КАТОТТГ або назвою області."),
    ("report-no-data", "The database has no indicator results to report.",
     "У базі немає результатів індикаторів для звіту.",
     "Import survey answers first (monitor import, or monitor demo for demo data).",
     "Спершу імпортуйте відповіді (monitor import або monitor demo для демонстрації)."),
    ("report-unknown-language", "Unknown report language '{lang}' (uk or en).", "Невідома мова звіту «{lang}» (uk або en).",
     "Use --lang uk or --lang en.", "Використайте --lang uk або --lang en."),
    ("report-iati-activity", "An IATI file needs the activity identifier and the reporting organisation.",
     "Для файлу IATI потрібні ідентифікатор діяльності та організація, що звітує.",
     "Pass --iati-activity (e.g. UA-EDR-12345678-PTL) and --iati-org (e.g. UA-EDR-12345678).",
     "Укажіть --iati-activity (наприклад, UA-EDR-12345678-PTL) і --iati-org (наприклад, UA-EDR-12345678)."),
):
    register(_code, "report", _en, _uk, _hen, _huk)
