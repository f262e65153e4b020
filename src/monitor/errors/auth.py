"""Error codes of the auth family (accounts, permissions, sessions, uploads). Codes are stable."""

from monitor.errors import CATALOGUE, register

A = "auth"

if "forbidden" not in CATALOGUE:  # imported by monitor.auth too; register once
    register("forbidden", A, "Your role ({role}) may not {action}{where}.",
             "Ваша роль ({role}) не дозволяє {action_uk}{where_uk}.",
             "Ask an administrator if you need this access.",
             "Якщо вам потрібен цей доступ, зверніться до адміністратора.")
    register("login-failed", A, "Wrong user name or password.", "Неправильне ім'я користувача або пароль.")
    register("account-locked", A, "Too many failed logins: the account is locked until {until}.",
             "Забагато невдалих спроб входу: обліковий запис заблоковано до {until}.",
             "Wait, or ask an administrator to run `monitor users unlock NAME`.",
             "Зачекайте або попросіть адміністратора виконати `monitor users unlock NAME`.")
    register("login-throttled", A, "Too many failed logins from this address: try again after {until}.",
             "Забагато невдалих спроб входу з цієї адреси: спробуйте знову після {until}.",
             "If this is your office's address, an administrator can run `monitor users unlock --address IP`.",
             "Якщо це адреса вашого офісу, адміністратор може виконати `monitor users unlock --address IP`.")
    register("account-disabled", A, "This account is disabled.", "Цей обліковий запис вимкнено.",
             "Ask an administrator.", "Зверніться до адміністратора.")
    register("weak-password", A, "The password is too short: at least {min} characters.",
             "Пароль закороткий: щонайменше {min} символів.",
             "A passphrase of several words is easy to remember and hard to guess.",
             "Фразу з кількох слів легко запам'ятати й важко вгадати.")
    register("upload-too-large", A, "The file is {size_mb} MB; the limit is {limit_mb} MB.",
             "Файл має {size_mb} МБ; обмеження — {limit_mb} МБ.",
             "Split the export, or ask the administrator to raise MONITOR_MAX_UPLOAD_MB.",
             "Розділіть експорт або попросіть адміністратора збільшити MONITOR_MAX_UPLOAD_MB.")
    register("upload-bad-type", A, "'{name}' is not an accepted file ({reason}); accepted: {allowed}.",
             "'{name}' — неприйнятний файл ({reason_uk}); приймаються: {allowed}.")
    register("upload-bad-name", A, "The file name '{name}' cannot be used.",
             "Ім'я файлу '{name}' не можна використати.",
             "Rename the file (letters, digits, spaces, dots, dashes) and upload it again.",
             "Перейменуйте файл (літери, цифри, пробіли, крапки, дефіси) і завантажте ще раз.")
    register("session-expired", A, "Your session expired after {minutes} minutes without activity; please log in again.",
             "Сеанс завершився після {minutes} хв бездіяльності; увійдіть знову.")
    register("unknown-user", A, "There is no user '{name}'.", "Користувача '{name}' немає.")
    register("user-exists", A, "A user '{name}' already exists.", "Користувач '{name}' уже існує.")
    register("bad-role", A, "Unknown role '{role}' (use one of: {known}).",
             "Невідома роль '{role}' (можливі: {known}).")
    register("bad-oblast", A, "'{oblast}' is not an oblast code of the territory reference (known: {known}).",
             "'{oblast}' — не код області з довідника територій (відомі: {known}).")
    register("bad-user-name", A, "'{name}' cannot be a user name: 2–64 letters, digits, '.', '_', '-' or '@'.",
             "'{name}' не може бути ім'ям користувача: 2–64 літери, цифри, '.', '_', '-' або '@'.")
    register("oblast-required", A, "The role {role} works in its own oblasts: give at least one --oblast CODE.",
             "Роль {role} працює у своїх областях: вкажіть щонайменше один --oblast КОД.")
    register("password-mismatch", A, "The two passwords differ.", "Два паролі не збігаються.")
