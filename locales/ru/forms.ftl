# Forms in the block (new contact, new deal), their validation messages,
# and the gear settings.

## New contact.

form-contact-title = Новый контакт в amoCRM
form-name = Полное имя
form-first-name = Имя
form-last-name = Фамилия
form-phone = Телефон
form-email = E-mail
form-submit-create-contact = Создать контакт

## New deal.

form-deal-title = Новая сделка
form-deal-name = Название сделки
form-price = Бюджет
form-pipeline-stage = Воронка и этап
form-responsible = Ответственный
form-comment = Примечание к сделке
form-required-for-stage = Обязательно на этапе «{ $stage }»
form-required = Обязательное поле
form-optional = необязательно
form-submit-create-deal = Создать сделку
form-cancel = Отмена
form-select-placeholder = Выберите…
form-multiselect-hint = Чтобы выбрать несколько значений, удерживайте Ctrl (⌘ на Mac).
form-yes = Да
form-no = Нет

## Validation.

form-errors-title =
    { $count ->
        [one] В форме { $count } ошибка
        [few] В форме { $count } ошибки
        [many] В форме { $count } ошибок
       *[other] В форме { $count } ошибки
    }
form-missing-required =
    { $count ->
        [one] Не заполнено { $count } обязательное поле
        [few] Не заполнены { $count } обязательных поля
        [many] Не заполнено { $count } обязательных полей
       *[other] Не заполнено { $count } обязательного поля
    }
error-field-required = Заполните поле «{ $field }».
error-field-number = В поле «{ $field }» должно быть число, например 12 500 или 1 500,50.
error-field-enum = Выберите значение поля «{ $field }» из списка.
error-field-date = В поле «{ $field }» должна быть дата.
error-field-url = В поле «{ $field }» должна быть ссылка, начинающаяся с http:// или https://.
error-field-email = В поле «{ $field }» должен быть адрес e-mail.
error-field-checkbox = Флажок может быть только включён или выключен.
error-field-too-long =
    Поле «{ $field }» слишком длинное: не более { $max } { $max ->
        [one] символа
       *[other] символов
    }.
error-comment-empty = Сначала напишите комментарий.

## Gear: block settings.

settings-title = Настройки блока
settings-account = Аккаунт amoCRM: { $host }
settings-list-fields = Поля в списке сделок
settings-card-fields = Поля в карточке сделки
settings-no-fields = В этом аккаунте amoCRM нет дополнительных полей сделок.
settings-integration-id = ID интеграции (amoClientId) для триггеров
settings-integration-id-hint = Укажите этот ID как «amoClientId» в POST-запросе триггера Usedesk, который вызывает /api/freeCreateLead, вместе с секретом триггера ниже.
settings-save = Сохранить
settings-saved = Настройки сохранены. Обновите блок, чтобы увидеть изменения.
settings-trigger-secret = Секрет триггера
settings-trigger-secret-set = У этого подключения есть секрет триггера. Хранится только его хеш, поэтому показать секрет ещё раз нельзя.
settings-trigger-secret-created = Создан { $date }.
settings-trigger-secret-none = Секрета триггера ещё нет: все триггеры этого подключения отклоняются, пока вы его не создадите.
settings-trigger-secret-none-optional = Секрета триггера ещё нет. Этот сервер его не требует, поэтому любой, кто знает ID интеграции, может создавать сделки и контакты и писать комментарии в тикеты. Создайте секрет, чтобы требовать его для этого подключения.
settings-trigger-secret-hint = Триггеры Usedesk должны передавать его при каждом вызове /api/freeCreateLead. Он показывается один раз — сразу после создания.
settings-trigger-secret-rotate-hint = После замены текущий секрет сразу перестаёт действовать: укажите новый во всех триггерах с этим ID интеграции.
settings-trigger-secret-create = Создать секрет триггера
settings-trigger-secret-rotate = Заменить секрет триггера

## Form layout: stage reload, more field errors and settings hints.

form-show-required = Показать обязательные поля
form-price-currency = Бюджет, { $currency }
form-required-hint = Поля со звёздочкой * обязательны на выбранном этапе.
form-empty-lines-hint = Пустые строки не сохраняются.
error-field-phone = «{ $field }» — это не номер телефона.
error-field-unknown = Поле «{ $field }» нельзя заполнить здесь.
error-stage-not-in-pipeline = Выберите этап воронки из списка.
comment-label = Комментарий
settings-choose-hint = Отметьте поля, которые нужно показывать.
settings-card-default = Пока здесь ничего не отмечено, в карточке сделки показываются все заполненные поля.
form-stage-in-pipeline = { $pipeline } → { $stage }
form-stage-needs = { $stage } · нужно: { $fields }
form-required-at = Обязательно на этапах: { $stages }
form-more-fields = Ещё поля
settings-trigger-title = Сделки из триггера Usedesk
settings-trigger-intro = В Usedesk откройте Настройки → Правила (триггеры), выберите правило и добавьте действие «Запрос POST» с этими значениями. Вставьте { $variable } через выбор переменных, чтобы Usedesk подставил номер тикета.
settings-trigger-url = URL
settings-trigger-header = Заголовок { $name }: секрет триггера (см. «Секрет триггера» ниже; он показывается один раз, при создании). В тело запроса секрет не пишется.
settings-trigger-body = Сделка создаётся на первом этапе основной воронки. Чтобы выбрать другой этап, укажите его pipeline_id и status_id из таблицы ниже; дополнительные поля передаются в custom_fields_values по их field_id. Поставьте log_ticket в true, чтобы переписка тикета также записалась в новую сделку одним примечанием.
settings-trigger-body-label = Тело запроса (JSON)
settings-ids-title = ID для триггеров
settings-filter = Фильтр
settings-filter-placeholder = Название или ID
settings-pipelines = Воронки и этапы
settings-users = Пользователи
settings-fields = Поля сделки
settings-col-name = Название
settings-col-required = Обязательно на этапах
settings-archived = в архиве
settings-choice-title = Поля, которые показывает блок
button-retry = Повторить
form-problem-not-saved = Ничего не сохранено. Всё, что вы ввели, осталось здесь.
form-problem-maybe-saved = Ответ от amoCRM не пришёл, поэтому данные могли сохраниться. Проверьте в amoCRM, прежде чем повторять; всё, что вы ввели, осталось здесь.

form-loss-reason = Причина отказа
form-loss-reason-hint = Только когда сделка закрывается как нереализованная.
button-save-deal = Сохранить изменения
error-field-refused = amoCRM не принял «{ $field }»: { $detail }

form-company = Компания
form-company-hint = Ищется в amoCRM по точному названию; если такой нет, создаётся новая компания.
form-company-choose = В amoCRM несколько компаний с названием «{ $name }». Какая из них — компания контакта?
form-company-new = Новая компания «{ $name }»
