# Standalone pages that open in a new tab (login, actions), texts written
# to Usedesk, errors of the trigger API, and the preview page.

## Page chrome.

page-title = amoCRM для Usedesk
page-success-title = Готово
page-failure-title = Что-то пошло не так
page-close-tab = Эту вкладку можно закрыть.

## Login to amoCRM.

oauth-success = Вы успешно авторизовались!
oauth-success-hint = Закройте эту вкладку и обновите блок amoCRM в Usedesk.
oauth-denied = Вы не разрешили доступ к amoCRM. Чтобы подключить блок, войдите снова и нажмите «Разрешить».
oauth-bad-state = Ссылка для входа недействительна или устарела. Начните вход заново из блока amoCRM в Usedesk.
oauth-host-mismatch = Вы авторизовались в аккаунте amoCRM { $actual }, а блок настроен на { $expected }. Войдите в { $expected } и повторите попытку.
oauth-exchange-failed = amoCRM не подтвердил авторизацию. Попробуйте войти ещё раз через несколько минут.
usedesk-account-named = аккаунт Usedesk с агентами { $domains } ({ $count ->
        [one] { $count } агент
        [few] { $count } агента
       *[other] { $count } агентов
    }), #{ $fingerprint }
usedesk-account-unnamed = аккаунт Usedesk #{ $fingerprint }
usedesk-account-short-named = агенты { $domains }, { $count ->
        [one] { $count } агент
        [few] { $count } агента
       *[other] { $count } агентов
    }, #{ $fingerprint }
usedesk-account-short-unnamed = аккаунт #{ $fingerprint }
login-confirm-title = Подключить amoCRM к Usedesk?
login-confirm-usedesk = Аккаунт Usedesk
login-confirm-amocrm = Аккаунт amoCRM
login-confirm-consequence = После подключения все агенты этого аккаунта Usedesk получат доступ на чтение и запись к аккаунту amoCRM { $host }: к его контактам, сделкам и примечаниям.
login-confirm-warning = Продолжайте, только если это ваш собственный аккаунт Usedesk и вы сами начали вход из блока amoCRM в тикете. Если эту ссылку вам кто-то прислал, закройте страницу.
login-confirm-continue = Перейти в amoCRM
login-confirm-pin-hint = Отпечаток этого аккаунта Usedesk для ограничений входа в конфигурации сервиса: { $fingerprint }
oauth-success-joined = Теперь к аккаунту amoCRM { $host } подключён { $account }.
oauth-success-all-agents = Подключение действует для всех агентов этого аккаунта Usedesk: каждый из них может просматривать и изменять контакты и сделки этого аккаунта amoCRM из блока.
oauth-link-spent = Срок действия этой ссылки для входа истёк, или она уже использована — обновите блок amoCRM и снова нажмите «Войти в amoCRM».
oauth-not-pinned = Администратор сервиса не разрешил подключать { $account } к аккаунту amoCRM { $host }.
oauth-not-pinned-hint = Если подключение задумано, администратор добавляет это ограничение в конфигурацию сервиса и перезапускает его:
oauth-cross-site = Вход не был подтверждён на странице самого сервиса. Откройте ссылку для входа из блока amoCRM в Usedesk и нажмите кнопку там.

## Actions started from the block.

action-token-invalid = Ссылка недействительна или устарела. Обновите блок и попробуйте снова.
action-token-expired = Срок действия ссылки истёк. Обновите блок и попробуйте снова.
action-done-contact-created = Контакт «{ $name }» создан в amoCRM.
action-done-deal-created = Сделка «{ $name }» создана в amoCRM.
action-done-linked = Клиент привязан к контакту amoCRM «{ $name }».
action-done-unlinked = Клиент больше не привязан к контакту amoCRM.
action-done-comment = Комментарий добавлен к сделке.
action-failed = Не удалось выполнить действие: { $reason }

## Private comments written to the Usedesk ticket.

usedesk-comment-deal-created = Из этого тикета в amoCRM создана сделка «{ $name }»: { $url }
usedesk-comment-contact-created = Из этого тикета в amoCRM создан контакт «{ $name }»: { $url }
amocrm-note-from-ticket = Создано из тикета Usedesk №{ $ticket } «{ $subject }»: { $url }
amocrm-note-from-ticket-no-subject = Создано из тикета Usedesk №{ $ticket }: { $url }
amocrm-note-by-agent = Создал агент Usedesk { $agent }.
amocrm-note-by-trigger = Создано триггером Usedesk.
amocrm-log-header = Переписка из тикета Usedesk №{ $ticket } «{ $subject }»: { $url }
amocrm-log-header-no-subject = Переписка из тикета Usedesk №{ $ticket }: { $url }
amocrm-log-by-agent = Добавил агент Usedesk { $agent }.
amocrm-log-empty = В тикете пока нет сообщений.
amocrm-log-trimmed = … продолжение переписки — в полном тикете: { $url }
amocrm-log-client = { $name } (клиент)
amocrm-log-client-unnamed = Клиент
amocrm-log-agent = { $name } (агент)
amocrm-log-agent-unnamed = Агент
amocrm-log-trigger = Триггер Usedesk
amocrm-log-other = Usedesk

## Errors of the trigger API (freeCreateLead).

api-error-bad-json = Тело запроса не является корректным JSON или не соответствует формату freeCreateLead.
api-error-payload-too-large = Тело запроса слишком большое.
api-error-unknown-client = Подключение с таким amoClientId не найдено. Скопируйте ID интеграции из настроек блока amoCRM.
api-error-needs-login = У подключения нет действующего доступа к amoCRM. Войдите в amoCRM из блока в Usedesk.
api-error-ticket-not-found = В Usedesk нет тикета { $ticket }.
api-error-validation = Поля сделки заполнены неверно.
api-error-upstream-unavailable = amoCRM сейчас недоступен. Повторите запрос позже.
api-error-conflict = Запрос с тем же Idempotency-Key, но с другим телом уже был обработан.
api-error-in-progress = Такой же запрос обрабатывается прямо сейчас. Повторите его через несколько секунд.
api-error-rejected = amoCRM отклонила сделку: { $reason }
api-error-payment-required = Подписка amoCRM закончилась.
api-error-forbidden = Пользователю amoCRM этого подключения это не разрешено.
api-error-usedesk-unavailable = Usedesk сейчас недоступен. Повторите запрос позже.
api-error-usedesk-refused = Usedesk отклонил запрос: проверьте usedesk_api_token блока (после изменения откройте блок в тикете один раз).
api-error-internal = Что-то пошло не так на нашей стороне (код { $ref }).
api-error-trigger-secret-required = В запросе нет секрета триггера. Создайте его в настройках (шестерёнка) блока amoCRM → Секрет триггера и передавайте в заголовке X-Trigger-Secret POST-запроса триггера или добавьте ?secret=… к его URL.
api-error-trigger-secret-invalid = Секрет триггера неверен, был заменён или относится к другому amoClientId. Создайте новый в настройках (шестерёнка) блока amoCRM → Секрет триггера и укажите его в заголовке X-Trigger-Secret POST-запроса триггера или в ?secret=… его URL.

## Preview page.

preview-title = Предпросмотр блока
preview-note = Эта страница имитирует карточку тикета в Usedesk.
preview-pick-ticket = Пример тикета
preview-ticket = Тикет №{ $id }
preview-client = Клиент
preview-language = Язык
preview-render = Показать блок

## Outcomes of actions without a message of their own, and more of the preview page.

action-done-link = Клиент привязан к выбранному контакту amoCRM.
action-token-replayed = Эта ссылка уже использована. Обновите блок, чтобы увидеть результат или начать заново.
action-not-found = Контакт или сделка не найдены в amoCRM: возможно, их удалили. Обновите блок.
action-unavailable = amoCRM или Usedesk не ответили. Попробуйте через минуту.
action-rejected = amoCRM не принял изменения: { $reason }
preview-reload = Обновить блок
preview-error = Сервис не ответил. Проверьте, что он запущен, и попробуйте снова.
preview-subject = Тема
preview-simulate = Имитировать amoCRM
preview-fault-none = Работает нормально (сбросить)
preview-fault-down = Недоступен (500)
preview-fault-busy = Перегружен (429)
preview-fault-blocked = Заблокирован (403)
preview-fault-payment = Подписка закончилась (402)
preview-fault-revoked = Доступ отозван
preview-fault-slow = Медленный (3 с)
preview-comments = Приватные комментарии

## The trigger secret, shown once after it is created.

trigger-secret-title-created = Секрет триггера создан
trigger-secret-title-rotated = Секрет триггера заменён
trigger-secret-once = Скопируйте его сейчас: он показывается только один раз. Если он потеряется, замените его в настройках (шестерёнка) блока amoCRM.
trigger-secret-replaced = Прежний секрет больше не действует. Укажите этот во всех триггерах, где был прежний.
trigger-secret-label = Секрет триггера
trigger-secret-not-required = Этот сервер в целом не требует секретов триггеров, но у этого подключения секрет теперь есть, поэтому его триггеры должны его передавать.
trigger-secret-how = Как указать его в триггере Usedesk
trigger-secret-step-rule = В Usedesk откройте Настройки → Правила (триггеры), выберите правило и добавьте действие «Запрос POST».
trigger-secret-step-url = URL запроса:
trigger-secret-step-header = Заголовки: добавьте заголовок { $name }, его значение — секрет. Одной строкой:
trigger-secret-step-body = Тело (data): JSON для этого подключения. Добавьте нужные поля сделки (воронку, этап, бюджет, дополнительные поля).
trigger-secret-no-headers-title = Если у действия нет заголовков
trigger-secret-no-headers = Используйте вместо этого такой URL: секрет передаётся в его параметрах. Прокси могут записывать URL в журналы, поэтому лучше заголовок.
trigger-secret-try-title = Проверка
trigger-secret-try = Эта команда создаёт настоящую сделку для тикета №{ $ticket }; повторный запуск вернёт ту же сделку.
trigger-secret-lost = После закрытия этой страницы секрет больше нигде не увидеть. Новый можно создать в шестерёнке в любой момент; старый тогда перестанет действовать.
trigger-sample-deal = Сделка по тикету
trigger-sample-comment = Создано правилом Usedesk
button-new-deal-for-contact = Новая сделка для этого контакта
contact-created-block-hint = Блок в тикете покажет контакт после обновления.

# The gear's connection page.
settings-connection-link = Подключение amoCRM: аккаунт, пользователь, отключение
connection-title = Подключение amoCRM
connection-account = Аккаунт amoCRM: { $host }
connection-all-agents = Это подключение работает для всех агентов этого аккаунта Usedesk.
connection-user = Действия из блока появляются в amoCRM от имени пользователя { $user }.
connection-user-unknown = От чьего имени в amoCRM появляются действия, станет известно при следующем входе.
connection-since = Подключено { $date }.
connection-needs-login = Не подключено: агенту нужно войти в amoCRM из блока.
connection-webhooks-on = amoCRM сообщает сюда об изменениях сразу (вебхук с { $date }).
connection-webhooks-off = amoCRM не сообщает сюда об изменениях (вебхука нет): блок обновляет данные раз в несколько секунд.
connection-stage-comments-on = Когда сделка, созданная из тикета, переходит на другой этап, в этом тикете появляется приватный комментарий.
connection-stage-comments-off = О смене этапов сделок в тикетах не сообщается.
connection-stage-comments-turn-off = Не сообщать о смене этапов
connection-stage-comments-turn-on = Сообщать о смене этапов в тикетах
connection-reconnect = Переподключить от имени другого пользователя amoCRM
connection-reconnect-hint = Войдите в amoCRM под тем пользователем, от имени которого должны появляться действия; Integration ID не изменится.
connection-disconnect-title = Отключение
connection-disconnect-explain = При отключении сохранённые токены amoCRM и Usedesk удаляются, а вебхук в amoCRM снимается. После этого блок у всех агентов попросит войти заново.
connection-keep-settings = Сохранить привязки контактов и выбор полей для следующего входа
connection-keep-settings-hint = Если снять отметку, они тоже будут удалены.
connection-disconnect = Отключить
connection-disconnected = Отключено: сохранённые токены удалены.
connection-disconnected-kept = Привязки контактов и выбор полей сохранены.
connection-disconnected-forgotten = Привязки контактов и выбор полей удалены.

contact-created-company-linked = Контакт привязан к компании «{ $name }».
contact-created-company-created = Компания «{ $name }» создана, контакт к ней привязан.
contact-created-company-not-created = Не удалось создать компанию «{ $name }»: контакт создан без компании. Добавьте компанию контакту в amoCRM.
contact-created-company-not-linked = Не удалось привязать контакт к компании «{ $name }»: оба есть в amoCRM, но не связаны. Свяжите их в amoCRM.
contact-created-company-created-not-linked = Компания «{ $name }» создана, но привязать к ней контакт не удалось: оба есть в amoCRM, но не связаны. Свяжите их в amoCRM.
contact-created-company-open = Открыть компанию в amoCRM
