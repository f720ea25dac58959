## Ручной поиск контакта: форма поиска в блоке и страница результатов.

search-title = Найти контакт в amoCRM
search-label = Имя, телефон, e-mail или компания
search-placeholder = Имя, телефон, e-mail или компания
button-search = Найти
search-hint = Телефон можно писать в любом формате. По имени или компании находятся возможные совпадения: проверьте перед привязкой.
search-empty = Введите имя, телефон, e-mail или компанию для поиска.
search-too-long = Слишком длинный запрос: не больше { $max } символов.
search-nothing = По запросу «{ $query }» ничего не найдено.
search-found =
    { $count ->
        [one] По запросу «{ $query }» найден { $count } контакт
        [few] По запросу «{ $query }» найдено { $count } контакта
        [many] По запросу «{ $query }» найдено { $count } контактов
       *[other] По запросу «{ $query }» найдено { $count } контакта
    }
search-truncated = Показаны только первые { $count }: уточните запрос.
search-as-phone = Искали как телефон { $phone }.
search-as-email = Искали как e-mail { $email }.
search-possible = Возможное совпадение
search-confirmed = Точное совпадение
search-via-company = Компания: { $company }
search-link-done-hint = Теперь блок показывает привязанный контакт.

## Контакт в актуальном состоянии с тикетом.

button-add-value = Добавить { $value } в этот контакт
contact-values-missing = В тикете клиента есть данные, которых нет в этом контакте:
action-done-value-added = { $value } добавлен в контакт в amoCRM.

## Задачи контакта.

button-tasks = Задачи
button-call-back = Перезвонить
tasks-title = Задачи: { $contact }
tasks-none = Открытых задач нет.
tasks-new = Новая задача
task-type = Тип
task-text = Что сделать
task-due = Срок
task-result = Результат
task-overdue = Просрочена
task-due-today = Сегодня
task-on-contact = По контакту
task-on-deal = По сделке «{ $deal }»
task-due-invalid = Укажите дату и время срока задачи.
task-call-back-text = Перезвонить
button-create-task = Создать задачу
button-complete-task = Завершить
action-done-task-created = Задача создана в amoCRM.
action-done-task-completed = Задача завершена.
block-contact-tasks = Открытые задачи контакта
button-task-done = Готово
task-due-today-at = сегодня { $time }
task-due-tomorrow-at = завтра { $time }
task-due-yesterday-at = вчера { $time }
block-tasks-more = Ещё { $count } на странице задач
block-tasks-more-unread = Остальные — на странице задач

## Компания контакта.

contact-company = Компания

## Изменение контакта.

button-edit-contact = Изменить
contact-edit-title = Изменить контакт
button-save-contact = Сохранить
action-done-contact-saved = Контакт сохранён в amoCRM.
contact-position = Должность
contact-position-hint = Пустое поле оставит текущую должность; чтобы убрать её, откройте контакт в amoCRM.
block-tasks-not-read = Открытые задачи сейчас не загрузились: обновите блок чуть позже или откройте «Задачи».
task-on = Где
