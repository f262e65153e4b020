"""Error codes of the framework family (YAML instruments and indicators). Codes are stable."""

from monitor.errors import register

F = "framework"

register("yaml-syntax", F, "YAML syntax error: {detail}.", "Помилка синтаксису YAML: {detail}.",
         "Check indentation and quotes on that line.", "Перевірте відступи та лапки в цьому рядку.")
register("not-a-mapping", F, "The file must hold a mapping of keys (id: ..., title: ...), not {found}.",
         "Файл має містити словник ключів (id: ..., title: ...), а не {found}.")
register("missing-field", F, "{what} '{id}': required field '{field}' is missing.",
         "{what_uk} '{id}': бракує обов'язкового поля '{field}'.")
register("unknown-field", F, "{what} '{id}': unknown field '{field}' (a typo?).",
         "{what_uk} '{id}': невідоме поле '{field}' (описка?).")
register("wrong-type", F, "{what} '{id}': field '{field}' {detail}.", "{what_uk} '{id}': поле '{field}' {detail_uk}.")
register("missing-label", F, "{what} '{id}': '{field}' has no {lang_name} text.",
         "{what_uk} '{id}': '{field}' не має тексту мовою «{lang_name_uk}».",
         "Every label needs both uk and en.", "Кожен підпис потребує uk і en.")
register("duplicate-id", F, "Duplicate id '{id}': also defined in {other}.", "Повторний id '{id}': уже визначено в {other}.")
register("duplicate-question", F, "Survey '{survey}': question '{question}' is defined twice.",
         "Опитувальник '{survey}': питання '{question}' визначено двічі.")
register("unknown-survey", F, "Indicator '{indicator}': survey '{survey}' does not exist (known: {known}).",
         "Індикатор '{indicator}': опитувальника '{survey}' не існує (відомі: {known}).")
register("unknown-question", F, "{owner}: {where} names question '{question}', which survey '{survey}' does not have{suggestion}.",
         "{owner}: {where} посилається на питання '{question}', якого немає в опитувальнику '{survey}'{suggestion}.")
register("unknown-choice", F, "{owner}: {where} compares '{question}' with '{value}', which is not one of its choices ({choices}).",
         "{owner}: {where} порівнює '{question}' зі значенням '{value}', якого немає серед варіантів ({choices}).")
register("expression-syntax", F, "{owner}: expression in {where}: {detail}.", "{owner}: вираз у полі {where}: {detail_uk}.",
         "Fix the expression at that column; see docs/framework.md, 'Expressions'.",
         "Виправте вираз у цій позиції; див. docs/framework.md, розділ «Вирази».")
register("unknown-choice-list", F, "Survey '{survey}': question '{question}' uses choice list '{list}', which is not defined.",
         "Опитувальник '{survey}': питання '{question}' використовує список варіантів '{list}', якого не визначено.")
register("choices-on-non-select", F, "Survey '{survey}': question '{question}' of type {type} cannot have choices.",
         "Опитувальник '{survey}': питання '{question}' типу {type} не може мати варіантів.")
register("select-without-choices", F, "Survey '{survey}': question '{question}' is a {type} without a choice list.",
         "Опитувальник '{survey}': питання '{question}' типу {type} не має списку варіантів.")
register("duplicate-choice", F, "Survey '{survey}': choice list '{list}' has value '{value}' twice.",
         "Опитувальник '{survey}': список '{list}' містить значення '{value}' двічі.")
register("bad-survey-field", F, "Survey '{survey}': {field} names '{question}', which is not a question of type {expected}.",
         "Опитувальник '{survey}': {field} вказує на '{question}', що не є питанням типу {expected}.")
register("survivor-identifiers", F, "Survey '{survey}' of survivors must declare holds_personal_identifiers: false and store no hromada ({detail}).",
         "Опитувальник постраждалих '{survey}' має декларувати holds_personal_identifiers: false і не зберігати громаду ({detail}).")
register("survivor-min-n", F, "Survey '{survey}' of survivors must suppress results below {required} answers (min_n is {found}).",
         "Опитувальник постраждалих '{survey}' має приховувати результати менш ніж з {required} відповідей (min_n = {found}).")
register("unknown-theme", F, "Indicator '{indicator}': theme '{theme}' is not declared in framework.yaml (known: {known}).",
         "Індикатор '{indicator}': тему '{theme}' не оголошено у framework.yaml (відомі: {known}).")
register("unknown-parameter", F, "{owner}: param('{param}') is not declared in framework.yaml.",
         "{owner}: параметр param('{param}') не оголошено у framework.yaml.")
register("missing-expression", F, "Indicator '{indicator}' of type {type} needs '{field}'.",
         "Індикатор '{indicator}' типу {type} потребує поля '{field}'.")
register("thresholds-order", F, "Indicator '{indicator}': thresholds green {green} and amber {amber} are in the wrong order for {direction}.",
         "Індикатор '{indicator}': пороги green {green} та amber {amber} розташовані неправильно для напряму {direction}.",
         "Higher-is-better needs green >= amber; lower-is-better needs green <= amber.",
         "Для «більше — краще» green >= amber; для «менше — краще» green <= amber.")
register("value-out-of-range", F, "Indicator '{indicator}': {field} {value} is outside the range of a {type} ({low}..{high}).",
         "Індикатор '{indicator}': {field} {value} поза межами для типу {type} ({low}..{high}).")
register("unknown-disaggregation", F, "Indicator '{indicator}': disaggregate_by '{question}' is not a choice question of survey '{survey}'.",
         "Індикатор '{indicator}': disaggregate_by '{question}' не є питанням з варіантами в опитувальнику '{survey}'.")
register("split-not-sum", F, "Indicator '{indicator}': split_by '{split}' needs an indicator of type sum (this one is {type}); each part is a sum of its own column.",
         "Індикатор '{indicator}': split_by '{split}' можливий лише для типу sum (тут {type}); кожна частина — сума своєї колонки.")
register("split-name-taken", F, "Indicator '{indicator}': split_by name '{split}' is already a question of survey '{survey}' or a disaggregate_by; give the split its own name.",
         "Індикатор '{indicator}': назва split_by '{split}' уже є питанням опитувальника '{survey}' або disaggregate_by; дайте розподілу власну назву.")
register("split-duplicate-part", F, "Indicator '{indicator}': split_by '{split}' lists part '{part}' twice.",
         "Індикатор '{indicator}': у split_by '{split}' частину '{part}' вказано двічі.")
register("unknown-component", F, "Index '{indicator}': component '{component}' is not an indicator.",
         "Індекс '{indicator}': складова '{component}' не є індикатором.")
register("unknown-repeat", F, "Indicator '{indicator}': repeat '{repeat}' is not a repeat of survey '{survey}'.",
         "Індикатор '{indicator}': '{repeat}' не є повторюваною групою опитувальника '{survey}'.")
register("survivor-small-min-n", F, "Indicator '{indicator}' on survivors' answers has min_n {found}; it must be at least {required}.",
         "Індикатор '{indicator}' за відповідями постраждалих має min_n {found}; потрібно щонайменше {required}.")
register("no-framework", F, "No framework found in {root}: expected folders indicators/ and surveys/.",
         "У {root} не знайдено рамки моніторингу: очікуються теки indicators/ та surveys/.")
register("file-id-mismatch", F, "The file name '{file}' does not match id '{id}'.", "Назва файлу '{file}' не відповідає id '{id}'.",
         severity="warning")
register("unverified-parameter", F, "{owner} uses parameter '{param}', which is not verified against the law's text ({source}).",
         "{owner} використовує параметр '{param}', не звірений з текстом закону ({source}).", severity="warning")
register("param-value-and-values", F, "{what} '{id}': parameter '{field}' has both 'value' and 'values'; give one.",
         "{what_uk} '{id}': параметр '{field}' має і 'value', і 'values'; залиште одне.",
         "Use 'values' (each with valid_from / valid_to) when the rule changed over time.",
         "Використовуйте 'values' (кожне з valid_from / valid_to), якщо правило змінювалося.")
register("param-validity-order", F, "{what} '{id}': '{field}' is in force from {valid_from} to {valid_to}: the end is before the start.",
         "{what_uk} '{id}': '{field}' діє з {valid_from} по {valid_to}: кінець раніше за початок.")
register("param-validity-overlap", F,
         "{what} '{id}': '{field}': value {index} starts on {valid_from}, but the value before it is in force until {previous_to}; periods must follow one another without overlapping.",
         "{what_uk} '{id}': '{field}': значення {index} діє з {valid_from}, а попереднє — до {previous_to}; періоди мають іти один за одним без накладання.",
         "Every value but the last needs valid_to; every value but the first needs valid_from after it.",
         "Кожне значення, крім останнього, потребує valid_to; кожне, крім першого, — valid_from після нього.")
register("param-validity-gap", F,
         "{what} '{id}': '{field}': value {index} starts on {valid_from}, but the value before it ends on {previous_to}; no value would be in force between them.",
         "{what_uk} '{id}': '{field}': значення {index} діє з {valid_from}, а попереднє закінчується {previous_to}; між ними жодне значення не діяло б.")
register("param-dated-list", F, "{what} '{id}': '{field}' is a list; a list parameter cannot have values with validity dates.",
         "{what_uk} '{id}': '{field}' — список; параметр-список не може мати значень з датами чинності.")
register("unknown-param-ref", F, "Indicator '{indicator}': {where} takes parameter '{param}', which is not declared in framework.yaml.",
         "Індикатор '{indicator}': {where} бере параметр '{param}', якого не оголошено у framework.yaml.")
register("param-ref-not-number", F, "Indicator '{indicator}': {where} takes parameter '{param}', whose value {value} is not a number.",
         "Індикатор '{indicator}': {where} бере параметр '{param}', значення якого {value} не є числом.")
register("param-no-value", F, "{what} '{id}': parameter '{field}' has neither 'value' nor 'values'.",
         "{what_uk} '{id}': параметр '{field}' не має ні 'value', ні 'values'.")
register("duplicate-rule", F, "Survey '{survey}': validation rule '{rule}' is defined twice.",
         "Опитувальник '{survey}': правило перевірки '{rule}' визначено двічі.")
register("pirs-missing", F,
         "Indicator '{indicator}': its Performance Indicator Reference Sheet (pirs) lacks {fields}.",
         "Індикатор '{indicator}': у довідковому паспорті індикатора (pirs) бракує полів: {fields}.",
         "USAID ADS 201 requires a complete PIRS for every indicator: add the fields under `pirs:` in both uk and en "
         "(see docs/framework.md, 'PIRS'); where a fact is not known yet, say so (e.g. last_review empty and "
         "review_note 'not yet reviewed').",
         "USAID ADS 201 вимагає повного паспорта для кожного індикатора: додайте поля в розділі `pirs:` українською "
         "та англійською (див. docs/framework.md, розділ «PIRS»); якщо факт ще не відомий, так і напишіть (напр., "
         "last_review порожнє, а review_note «ще не перевірено»).")
register("survey-design-missing", F,
         "Survey '{survey}' does not declare its design (census, convenience or probability): its results get "
         "sampling intervals as if it were a simple random sample.",
         "Опитувальник '{survey}' не вказує дизайн (census, convenience або probability): до його результатів "
         "додаються вибіркові інтервали, наче це проста випадкова вибірка.",
         "Add `design:` to the survey: census when every unit of a known list is asked, convenience when whoever "
         "could be reached answered, probability only for a random sample with known chances.",
         "Додайте `design:` до опитувальника: census, якщо опитано кожну одиницю відомого переліку; convenience, "
         "якщо відповідали ті, кого вдалося охопити; probability — лише для випадкової вибірки з відомими ймовірностями.",
         severity="warning")
register("question-feeds-nothing", F,
         "Survey '{survey}': question '{question}' feeds no indicator and does not say why it is collected.",
         "Опитувальник '{survey}': питання '{question}' не використовує жоден індикатор, і не сказано, навіщо його збирають.",
         "Use it in an indicator, drop it from the instrument (with the reason in a YAML comment), or give "
         "`kept_for: {uk: ..., en: ...}` saying why it is collected.",
         "Використайте його в індикаторі, вилучіть з інструмента (з причиною в коментарі YAML) або додайте "
         "`kept_for: {uk: ..., en: ...}` з поясненням, навіщо його збирають.",
         severity="warning")
