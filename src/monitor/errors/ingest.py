"""Error codes of the import family (reading exports, mapping columns, validating rows). Codes are stable."""

from monitor.errors import register

I = "ingest"  # noqa: E741

# ---------------------------------------------------------------- the file as a whole (refusals)
register("ingest-file-not-found", I, "File not found: {file}.", "Файл не знайдено: {file}.")
register("ingest-empty-file", I, "The file is empty: there is nothing to import.", "Файл порожній: імпортувати нічого.")
register("ingest-header-only", I, "The file has a header row but no answers.",
         "Файл містить рядок заголовків, але жодної відповіді.")
register("ingest-unreadable", I, "The file cannot be read as a table ({detail}).",
         "Файл не вдається прочитати як таблицю ({detail_uk}).",
         "Export it again from KoboToolbox, ODK Central, Google Forms or Excel as CSV or XLSX.",
         "Експортуйте його повторно з KoboToolbox, ODK Central, Google Forms або Excel у форматі CSV чи XLSX.")
register("ingest-unsupported-format", I, "This is a {found} file, not a CSV, XLSX or ODK Central zip export.",
         "Це файл {found}, а не експорт CSV, XLSX чи zip з ODK Central.",
         "Save or export the answers as CSV or XLSX.", "Збережіть або експортуйте відповіді як CSV чи XLSX.")
register("ingest-encoding", I, "The text encoding cannot be recognised (line {line_no}): the file mixes encodings or is not text.",
         "Не вдається розпізнати кодування тексту (рядок {line_no}): файл змішує кодування або не є текстом.",
         "Open it in a spreadsheet and save it again as CSV UTF-8.",
         "Відкрийте його в табличному редакторі та збережіть знову як CSV UTF-8.")
register("ingest-xlsx-corrupt", I, "The XLSX workbook is damaged or truncated ({detail}).",
         "Книга XLSX пошкоджена або обрізана ({detail_uk}).",
         "Download or export the file again.", "Завантажте або експортуйте файл повторно.")
register("ingest-zip-not-odk", I, "The zip archive holds no CSV export ({found}).",
         "Zip-архів не містить експорту CSV ({found_uk}).",
         "Upload the zip exactly as ODK Central's 'Download all' produced it, or the CSV itself.",
         "Завантажте zip так, як його створила функція ODK Central «Download all», або сам CSV.")
register("ingest-no-header", I, "The first row is not a header: no column names were found.",
         "Перший рядок не є заголовком: назв стовпців не знайдено.")
register("ingest-duplicate-columns", I, "Columns {columns} all mean question '{question}'; keep only one.",
         "Стовпці {columns} означають одне питання '{question}'; залиште лише один.")
register("ingest-wrong-instrument", I,
         "This looks like an export of '{other}', not '{survey}' ({matched_other} of its questions found, {matched} of '{survey}').",
         "Схоже, це експорт опитувальника '{other}', а не '{survey}' (знайдено {matched_other} його питань і {matched} питань '{survey}').",
         "Import it with `monitor import {other} FILE`.", "Імпортуйте його командою `monitor import {other} FILE`.")
register("ingest-not-this-instrument", I,
         "The columns do not match survey '{survey}': {matched} of {total} questions found. Expected columns such as {expected}.",
         "Стовпці не відповідають опитувальнику '{survey}': знайдено {matched} з {total} питань. Очікувалися стовпці, як-от {expected}.")
register("ingest-missing-required-column", I, "Required question(s) {questions} have no column in the file.",
         "Для обов'язкових питань {questions} у файлі немає стовпця.")
register("ingest-nothing-acceptable", I, "No row of the file can be taken: {rejected} rejected, {consent_refused} without consent.",
         "Жоден рядок файлу не можна прийняти: відхилено {rejected}, без згоди {consent_refused}.",
         "Fix the rows listed in the rejected-rows CSV and import again.",
         "Виправте рядки зі списку відхилених (CSV) та імпортуйте знову.")
register("ingest-unknown-survey", I, "Survey '{survey}' is not in the framework (known: {known}).",
         "Опитувальника '{survey}' немає в рамці моніторингу (відомі: {known}).")
register("ingest-internal", I, "The file could not be processed ({detail}).", "Файл не вдалося обробити ({detail}).",
         "Run again with --verbose and report the problem.", "Запустіть знову з --verbose і повідомте про проблему.")

register("ingest-too-big", I, "Too big to read safely: {what} {found}, the limit is {limit}. Nothing was imported.",
         "Завелике для безпечного читання: {what_uk} — {found}, обмеження — {limit}. Нічого не імпортовано.",
         "Split the export into smaller files (by oblast or wave) or export only this instrument's questions; "
         "an administrator can raise MONITOR_MAX_IMPORT_MB.",
         "Розділіть експорт на менші файли (за областями чи хвилями) або експортуйте лише питання цього "
         "опитувальника; адміністратор може збільшити MONITOR_MAX_IMPORT_MB.")
register("ingest-out-of-memory", I, "Reading the file needed more than {limit_mb} MB of memory; it was stopped and nothing was imported.",
         "Читання файлу потребувало понад {limit_mb} МБ пам'яті; його зупинено, нічого не імпортовано.",
         "Split the export into smaller files, or ask the administrator to raise MONITOR_IMPORT_MEMORY_MB.",
         "Розділіть експорт на менші файли або попросіть адміністратора збільшити MONITOR_IMPORT_MEMORY_MB.")
register("ingest-demo-database", I, "This database holds the synthetic demo; a real import would mix real answers with invented ones. Nothing was written.",
         "У цій базі — синтетичні демонстраційні дані; справжній імпорт змішав би справжні відповіді з вигаданими. Нічого не записано.",
         "Import into a database of its own, e.g. --db sqlite:///data/monitor.db (not the demo's).",
         "Імпортуйте до окремої бази, напр. --db sqlite:///data/monitor.db (не демонстраційної).")

# ---------------------------------------------------------------- warnings about the file
W = "warning"
register("ingest-already-imported", I, "This exact file was already imported into '{survey}' (batch {batch}); nothing added.",
         "Цей самий файл уже імпортовано до '{survey}' (пакет {batch}); нічого не додано.", severity=W)
register("ingest-duplicates", I, "{count} submission(s) were already in the database or repeated in the file; not added again.",
         "{count} відповід(ей) уже були в базі або повторюються у файлі; повторно не додано.", severity=W)
register("ingest-unmapped-columns", I, "Columns ignored (no matching question): {columns}.",
         "Проігноровано стовпці (немає відповідного питання): {columns}.", severity=W)
register("ingest-personal-dropped", I, "Column '{header}' looks like personal data ({reason}); it was dropped and not stored.",
         "Стовпець '{header}' схожий на персональні дані ({reason_uk}); його відкинуто й не збережено.", severity=W)
register("ingest-formula-cells", I, "{count} cell(s) hold spreadsheet formulas (first: {cell}); they were read as text, never run.",
         "{count} клітин(ок) містять формули (перша: {cell}); їх прочитано як текст і не виконано.", severity=W)
register("ingest-unknown-repeat", I, "Sheet or file '{table}' matches no repeat of survey '{survey}'; ignored.",
         "Аркуш або файл '{table}' не відповідає жодній повторюваній групі опитувальника '{survey}'; проігноровано.",
         severity=W)
register("ingest-territory-fuzzy", I, "{count} place name(s) were matched approximately, e.g. '{value}' → {name}.",
         "{count} назв(и) місць зіставлено приблизно, напр. '{value}' → {name}.", severity=W)
register("ingest-consent-refused", I, "{count} row(s) without consent were dropped and not stored.",
         "{count} рядк(ів) без згоди відкинуто й не збережено.", severity=W)

# ---------------------------------------------------------------- one row (rejected rows)
# Places that do not resolve use the territory family's codes (territory-unknown, -ambiguous, -mismatch, …).
register("ingest-required", I, "Required answer '{question}' is missing.", "Бракує обов'язкової відповіді '{question}'.")
register("ingest-not-integer", I, "'{question}' must be a whole number.", "'{question}' має бути цілим числом.")
register("ingest-not-number", I, "'{question}' must be a number.", "'{question}' має бути числом.")
register("ingest-not-date", I, "'{question}' must be a date (YYYY-MM-DD or DD.MM.YYYY).",
         "'{question}' має бути датою (РРРР-ММ-ДД або ДД.ММ.РРРР).")
register("ingest-unknown-choice", I, "'{question}': '{token}' is not one of the choices ({choices}).",
         "'{question}': '{token}' немає серед варіантів ({choices}).")
register("ingest-constraint", I, "'{question}' breaks its rule: {rule_en}.", "'{question}' порушує правило: {rule_uk}.")
register("ingest-validation-rule", I, "Rule '{rule}' is broken ({left} {operator_en} {right}): {message_en}.",
         "Порушено правило '{rule}' ({left} {operator_uk} {right}): {message_uk}.",
         "Check both dates (or values) of this row against the source document.",
         "Звірте обидві дати (або значення) цього рядка з документом-джерелом.")
register("ingest-value-too-long", I, "'{question}' holds {length} characters; at most {limit} are accepted.",
         "'{question}' містить {length} символів; допускається щонайбільше {limit}.")
register("ingest-phone-in-number", I, "'{question}' must be a number, but this looks like a phone number; it was not stored.",
         "'{question}' має бути числом, але це схоже на номер телефону; його не збережено.",
         "Put the number asked for (not a contact) and import again; contacts are never stored.",
         "Впишіть число, про яке питають (а не контакт), та імпортуйте знову; контакти ніколи не зберігаються.")
register("ingest-date-out-of-range", I, "'{question}' is outside the accepted dates: not before {earliest} and not after today ({latest}).",
         "'{question}' поза допустимими датами: не раніше {earliest} і не пізніше сьогодні ({latest}).",
         "Check the day and month order (DD.MM.YYYY) and the year.",
         "Перевірте порядок дня й місяця (ДД.ММ.РРРР) та рік.")
register("ingest-repeat-orphan", I, "Row of '{table}' points to a submission that is not in the main table.",
         "Рядок '{table}' посилається на відповідь, якої немає в основній таблиці.")
register("ingest-reported-by-other-level", I,
         "This submission carries rows of '{repeat}', which only {rule} reports: {message_en}.",
         "Ця відповідь містить рядки '{repeat}', які подає лише {rule}: {message_uk}.",
         "Send the case list from the body the instrument names, or remove it from this submission.",
         "Подайте перелік від органу, який визначає анкета, або вилучіть його з цієї відповіді.")
register("ingest-repeat-rejected", I, "A row of repeat '{table}' was rejected, so the whole submission is held back.",
         "Рядок повторюваної групи '{table}' відхилено, тому всю відповідь не прийнято.")
register("demo-real-data", "demo",
         "This database already holds {count} real import(s); demo data would mix with them. Nothing was written.",
         "У цій базі вже є {count} справжніх імпортів; демонстраційні дані змішалися б з ними. Нічого не записано.",
         "Use a separate database for the demo, e.g. --db sqlite:///data/demo.db.",
         "Використайте окрему базу для демонстрації, напр. --db sqlite:///data/demo.db.")
