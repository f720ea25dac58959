# The amoCRM block inside the Usedesk ticket card: chrome, setup problems,
# login, contacts, deals and the degraded states.

## Block title and chrome.

block-title = amoCRM
block-refresh-hint = Обновите блок, чтобы увидеть изменения.
block-open-in-amocrm = Открыть в amoCRM
block-settings = Настройки
block-back = Назад
block-loading = Загрузка…

## The block is not configured yet.

state-missing-host = Блок ещё не настроен: в настройках блока в Usedesk добавьте POST-параметр amo_base_host с адресом вашего аккаунта amoCRM (например, https://example.amocrm.ru/).
state-refused-host = Адрес { $host } не относится к amoCRM или Kommo. Проверьте параметр amo_base_host в настройках блока.
state-oauth-not-configured = Интеграция с amoCRM ещё не настроена на сервере (не заданы ID интеграции, секретный ключ или адрес перенаправления). Обратитесь к администратору.
state-bad-secret = Запрос отклонён: секретный ключ блока не совпадает с ключом, заданным на сервере. Попросите администратора проверить настройки блока.
state-missing-token = В настройках блока в Usedesk добавьте POST-параметр usedesk_api_token: по нему определяется ваш аккаунт Usedesk.
state-bad-usedesk-token = Usedesk не принял usedesk_api_token из настроек блока. Проверьте токен вашего API-канала.

## Login.

state-needs-login = Войдите в amoCRM, чтобы видеть контакты и сделки этого клиента.
login-all-agents = Подключение amoCRM действует для всех агентов этого аккаунта Usedesk, а не только для вас.
login-acts-as = Действия агентов из блока появятся в amoCRM от имени пользователя amoCRM, который войдёт.
state-login-expired = Доступ к amoCRM истёк или был отозван. Войдите в amoCRM ещё раз.
block-notice-other-account = Другой аккаунт Usedesk ({ $account }) подключился к этому аккаунту amoCRM в { $time }. Его агенты теперь могут просматривать и изменять контакты и сделки этого аккаунта. Если вы его не знаете, отзовите доступ интеграции в amoCRM.
button-login = Войти в amoCRM

## Contacts.

state-no-contact = В amoCRM пока нет данных об этом клиенте.
state-no-contact-hint = Добавьте клиента в amoCRM: имя, телефоны и e-mail из тикета подставятся автоматически.
button-add-to-amocrm = Добавить в amoCRM
contacts-found =
    { $count ->
        [0] Контакты не найдены
        [one] Найден { $count } контакт
        [few] Найдено { $count } контакта
        [many] Найдено { $count } контактов
       *[other] Найдено { $count } контакта
    }
contact-linked = Привязан к этому клиенту
contact-link-hint = Привяжите один из контактов к этому клиенту, чтобы дальше видеть только его.
button-link = Привязать
button-unlink = Отвязать
contact-phones = Телефоны
contact-emails = E-mail
contact-responsible = Ответственный
contact-no-identifiers = В тикете нет ни телефона, ни e-mail клиента, поэтому найти его в amoCRM не получится.
contact-search-hint = Контакты ищутся по телефонам и e-mail клиента из тикета.
contact-unnamed = Контакт без имени
contact-show-deals = Показать сделки

## Deals.

deals-title = Сделки
deals-none = Сделок пока нет
deals-open-budget = Открытые сделки: { $amount }
deals-show-all =
    { $count ->
        [one] Показать { $count } открытую сделку
        [few] Показать все { $count } открытые сделки
        [many] Показать все { $count } открытых сделок
       *[other] Показать все { $count } открытой сделки
    }
deals-closed =
    { $count ->
        [one] { $count } закрытая сделка
        [few] { $count } закрытые сделки
        [many] { $count } закрытых сделок
       *[other] { $count } закрытой сделки
    }
deals-count =
    { $count ->
        [0] Нет сделок
        [one] { $count } сделка
        [few] { $count } сделки
        [many] { $count } сделок
       *[other] { $count } сделки
    }
deals-of-contact = Сделки контакта { $name }
deal-status-open = В работе
deal-status-won = Успешно реализована
deal-status-lost = Закрыта и не реализована
deal-price = Бюджет
deal-pipeline = Воронка
deal-stage = Этап
deal-responsible = Ответственный
deal-created = Создана
button-new-deal = Новая сделка
button-open-deal = Открыть сделку

## Degraded states: amoCRM is slow, busy, blocked or failing.

state-stale = amoCRM не отвечает; показаны данные на { $time }.
state-busy = amoCRM перегружен: слишком много запросов. Обновите блок через минуту.
state-busy-until = amoCRM перегружен: слишком много запросов. Повторим в { $until }.
state-queued = У нас в очереди много запросов к этому аккаунту amoCRM. Данные появятся через { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунды
        [many] { $seconds } секунд
       *[other] { $seconds } секунды
    }.
state-blocked = amoCRM приостановил эту интеграцию на несколько минут из-за слишком частых запросов. Обновите блок позже; если пауза длится больше часа, сообщите администратору.
state-blocked-until = amoCRM приостановил эту интеграцию из-за слишком частых запросов. Пауза до { $until }: после этого обновите блок.
state-payment-required = Подписка amoCRM закончилась: сообщите администратору. Данные вернутся, когда подписку продлят в amoCRM.
state-preparing = Данные этого клиента загружаются из amoCRM и будут готовы примерно через { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунды
        [many] { $seconds } секунд
       *[other] { $seconds } секунды
    }. Блок обновится сам; если этого не произошло, обновите его.
state-upstream-error = amoCRM ответил ошибкой. Попробуйте обновить блок чуть позже.
state-timeout = amoCRM слишком долго не отвечает. Попробуйте обновить блок.
state-internal-error = Что-то пошло не так на нашей стороне. Если ошибка повторится, сообщите администратору этот код: { $ref }.

## The block's layout: setup details, badges, stale data and references.

setup-needed = Нужна настройка
setup-missing-host = В настройках блока в Usedesk добавьте POST-параметр с адресом вашего аккаунта amoCRM:
setup-missing-token = В настройках блока в Usedesk добавьте POST-параметр с секретным ключом вашего API-канала Usedesk:
setup-allowed-hosts = Разрешены только адреса аккаунтов amoCRM и Kommo, например:
setup-oauth-hint = Администратор задаёт ID клиента, секретный ключ и адрес перенаправления (redirect URI) интеграции amoCRM в конфигурации сервиса.
setup-bad-secret-hint = Секретный ключ в настройках динамического блока в Usedesk должен совпадать с ключом в конфигурации сервиса.
contact-linked-badge = Привязан
contact-matched-by = Найден по: { $ids }
contact-searched-by = Искали по: { $ids }
contact-not-searched =
    { $count ->
        [one] Ещё { $count } телефон или e-mail клиента не искали (ищем не больше 5 телефонов и 5 e-mail).
        [few] Ещё { $count } телефона или e-mail клиента не искали (ищем не больше 5 телефонов и 5 e-mail).
        [many] Ещё { $count } телефонов или e-mail клиента не искали (ищем не больше 5 телефонов и 5 e-mail).
       *[other] Ещё { $count } телефона или e-mail клиента не искали (ищем не больше 5 телефонов и 5 e-mail).
    }
contact-open-in-amocrm = Открыть контакт в amoCRM
deal-open-in-amocrm = Открыть сделку в amoCRM
deal-open-card = Открыть карточку сделки
deal-updated = Изменена
user-by-id = Пользователь #{ $id }
state-stale-busy = amoCRM перегружен запросами; показаны данные на { $time }.
state-stale-busy-until = amoCRM перегружен, повторим в { $until }; показаны данные на { $time }.
state-stale-queued = У нас в очереди много запросов к этому аккаунту amoCRM; свежие данные — через { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунды
        [many] { $seconds } секунд
       *[other] { $seconds } секунды
    }. Показаны данные на { $time }.
state-stale-blocked = amoCRM приостановил интеграцию на несколько минут; показаны данные на { $time }.
state-stale-blocked-until = amoCRM приостановил интеграцию до { $until }; показаны данные на { $time }.
state-stale-payment = Подписка amoCRM закончилась (сообщите администратору); показаны данные на { $time }.
state-stale-preparing = Свежие данные загружаются из amoCRM и будут готовы примерно через { $seconds ->
        [one] { $seconds } секунду
        [few] { $seconds } секунды
        [many] { $seconds } секунд
       *[other] { $seconds } секунды
    }. Показаны данные на { $time }.
block-reference = Код для администратора: { $ref }
block-new-badge = Новое
block-writes-paused = amoCRM сейчас не принимает изменения, поэтому добавление, привязка и комментарии отключены. «Открыть в amoCRM» работает.
button-add-edit-first = Изменить перед добавлением
block-admin-reference = Для администратора: код { $ref }

deal-change = Изменить
deal-changed = Сделка изменена.
deal-edit-title = Изменить сделку «{ $name }»
deal-edit-won = Закрыта — успешно
deal-edit-lost = Закрыта — не реализована
deal-edit-close = Закрыть сделку
deal-edit-current = Текущий этап
deal-edit-back = Вернуться к сделке

company-deals-of = Сделки компании { $name }
company-deals-more =
    { $count ->
        [one] ещё { $count }
        [few] ещё { $count }
        [many] ещё { $count }
       *[other] ещё { $count }
    }
deal-move = Перенести
deal-move-label = Перенести на этап
deal-move-needs = Для этого этапа нужно: { $fields }.
deal-move-fill = Заполнить и перенести на странице изменения
