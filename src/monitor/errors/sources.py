"""Error codes of server sources (KoboToolbox, ODK Central) and `monitor sync`. Codes are stable.

A message names the source and the server's host, never a token, a password or a full URL with a query.
"""

from monitor.errors import register

S = "sources"
W = "warning"

# ---------------------------------------------------------------- configuration
register("source-unknown", S, "There is no source named '{source}' (known: {known}).",
         "Джерела з назвою '{source}' немає (відомі: {known}).",
         "List them with `monitor sources list`.", "Перелік: `monitor sources list`.")
register("source-exists", S, "A source named '{source}' already exists.", "Джерело з назвою '{source}' уже існує.",
         "Choose another name or remove it first with `monitor sources remove {source}`.",
         "Оберіть іншу назву або спершу видаліть його: `monitor sources remove {source}`.")
register("source-bad-name", S, "'{source}' cannot be a source name: use 1-64 Latin letters, digits, '-' or '_'.",
         "'{source}' не може бути назвою джерела: використайте 1-64 латинські літери, цифри, '-' або '_'.")
register("source-bad-url", S, "'{url}' is not a server address: give it as https://host (http only on this computer).",
         "'{url}' не є адресою сервера: вкажіть її як https://host (http лише на цьому комп'ютері).")
register("source-bad-option", S, "Source option '{option}': {problem}.", "Параметр джерела '{option}': {problem_uk}.")
register("source-token-missing", S, "The token of source '{source}' is not available: {where} is not set.",
         "Токен джерела '{source}' недоступний: {where_uk} не задано.",
         "Set the environment variable, or keep the token in a file readable only by you (chmod 600).",
         "Задайте змінну середовища або зберігайте токен у файлі, доступному лише вам (chmod 600).")
register("source-token-file-open", S,
         "The token file of source '{source}' can be read by others (permissions {mode}); it was not used.",
         "Файл токена джерела '{source}' можуть читати інші (права {mode}); його не використано.",
         "Run `chmod 600 FILE` and try again.", "Виконайте `chmod 600 ФАЙЛ` і спробуйте знову.")
register("source-token-empty", S, "The token of source '{source}' is empty.", "Токен джерела '{source}' порожній.")

# ---------------------------------------------------------------- talking to the server
register("source-timeout", S, "The server {host} did not answer within {seconds} s ({attempts} attempt(s)).",
         "Сервер {host} не відповів за {seconds} с (спроб: {attempts}).",
         "Check the connection and run `monitor sync` again later; nothing was lost.",
         "Перевірте з'єднання і запустіть `monitor sync` пізніше; нічого не втрачено.")
register("source-unreachable", S, "The server {host} cannot be reached ({detail}; {attempts} attempt(s)).",
         "Сервер {host} недоступний ({detail}; спроб: {attempts}).",
         "Check the address with `monitor sources test` and the network connection.",
         "Перевірте адресу командою `monitor sources test` і мережеве з'єднання.")
register("source-auth", S, "The server {host} refused the token of source '{source}' (HTTP {status}).",
         "Сервер {host} відхилив токен джерела '{source}' (HTTP {status}).",
         "The token is wrong, expired or has no right to view this form's data: create a new one on the server.",
         "Токен неправильний, прострочений або не має права переглядати дані цієї форми: створіть новий на сервері.")
register("source-form-not-found", S, "The server {host} has no form '{form}' (HTTP 404).",
         "На сервері {host} немає форми '{form}' (HTTP 404).",
         "Check the form id (KoboToolbox: the asset uid in the project's address; ODK Central: the form ID and project).",
         "Перевірте ідентифікатор форми (KoboToolbox: uid проєкту з його адреси; ODK Central: ID форми та проєкт).")
register("source-rate-limited", S, "The server {host} asked to slow down (HTTP 429) and still refused after {attempts} attempts.",
         "Сервер {host} попросив зменшити частоту запитів (HTTP 429) і відмовив після {attempts} спроб.",
         "Run `monitor sync` again later.", "Запустіть `monitor sync` пізніше.")
register("source-server-error", S, "The server {host} failed (HTTP {status}) after {attempts} attempts.",
         "Сервер {host} дав збій (HTTP {status}) після {attempts} спроб.",
         "The server has a problem; run `monitor sync` again later.",
         "На сервері проблема; запустіть `monitor sync` пізніше.")
register("source-http-error", S, "The server {host} answered HTTP {status}.", "Сервер {host} відповів HTTP {status}.")
register("source-malformed", S, "The server {host} sent something that is not the expected JSON ({detail}).",
         "Сервер {host} надіслав не той JSON, що очікувався ({detail_uk}).",
         "Check that the address points to the KoboToolbox or ODK Central server itself.",
         "Перевірте, що адреса вказує саме на сервер KoboToolbox або ODK Central.")
register("source-too-large", S, "The server {host} sent more than {limit} MB in one answer; it was not read.",
         "Сервер {host} надіслав понад {limit} МБ в одній відповіді; її не прочитано.",
         "Lower the page size of the source (`--page-size`).", "Зменште розмір сторінки джерела (`--page-size`).")
register("source-foreign-link", S, "The server {host} pointed the next page to another server ({other}); not followed.",
         "Сервер {host} вказав наступну сторінку на іншому сервері ({other}); не виконано.")
register("source-page-failed", S,
         "Sync of '{source}' stopped at page {page}: {pages} earlier page(s) were saved, nothing from this one; "
         "the next sync resumes from here.",
         "Синхронізацію '{source}' зупинено на сторінці {page}: збережено {pages} попередніх сторінок, з цієї нічого; "
         "наступна синхронізація продовжить звідси.", severity=W)

# ---------------------------------------------------------------- what the sync found
register("source-edited", S,
         "{count} submission(s) were edited on the server after they were imported (e.g. {example}); "
         "the stored answers were kept.",
         "{count} відповід(ей) змінено на сервері після імпорту (напр. {example}); збережені відповіді залишено.",
         "To take the edits, set the source's edit policy to replace: `monitor sources add … --on-edit replace`.",
         "Щоб прийняти зміни, встановіть для джерела політику replace: `monitor sources add … --on-edit replace`.",
         severity=W)
register("source-edit-applied", S, "{count} submission(s) edited on the server replaced their stored answers.",
         "{count} відповід(ей), змінених на сервері, замінили збережені відповіді.", severity=W)
register("source-deploy-failed", S, "The form could not be deployed to {host}: {detail}.",
         "Форму не вдалося розгорнути на {host}: {detail}.")
