# The deal card: its fields, its news feed (amoCRM events and notes) and
# the comment form.

## Deal card.

card-title = Сделка
card-fields = Поля
card-feed = Лента событий
card-contacts = Контакты
card-contact-main = Основной
card-tags = Теги

## Feed entries.

feed-empty = Событий и примечаний пока нет.
feed-note = Примечание от { $author }
feed-note-service = Системное сообщение
feed-note-attachment = Прикреплён файл
feed-lead-added = Сделка создана
feed-lead-deleted = Сделка удалена
feed-lead-restored = Сделка восстановлена
feed-status-changed = Этап изменён: { $from } → { $to }
feed-responsible-changed = Ответственный изменён: { $from } → { $to }
feed-field-changed = Изменено поле «{ $field }»
feed-price-changed = Бюджет изменён: { $from } → { $to }
feed-name-changed = Сделка переименована
feed-chat-in = Входящее сообщение в чате
feed-chat-out = Исходящее сообщение в чате
feed-call-in = Входящий звонок
feed-call-out = Исходящий звонок
feed-call-duration = { $minutes } мин { $seconds } с
feed-call-recording = Запись
feed-sms-in = Входящее SMS
feed-sms-out = Исходящее SMS
feed-tag-added = Добавлен тег
feed-tag-removed = Удалён тег
feed-contact-linked = Привязан контакт
feed-contact-unlinked = Отвязан контакт
feed-event-other = Событие: { $type }
feed-by = автор: { $author }
feed-unknown-author = Неизвестный пользователь
feed-system-author = Система
feed-more =
    { $count ->
        [one] Ещё { $count } событие
        [few] Ещё { $count } события
        [many] Ещё { $count } событий
       *[other] Ещё { $count } события
    }

## Comments.

comment-placeholder = Напишите комментарий к сделке…
button-post-comment = Добавить комментарий
button-log-ticket = Записать этот тикет в сделку
log-ticket-done = Переписка тикета записана в эту сделку примечанием.
log-ticket-already = Этот тикет уже записан в эту сделку { $date }; ничего не добавлено.
log-ticket-in-progress = Этот тикет прямо сейчас записывается в эту сделку; больше ничего не добавлено.
comment-posted = Комментарий добавлен.

## A note in the feed, its author shown beside its time.

feed-note-title = Примечание

# A private comment in the Usedesk ticket a deal was created from, when amoCRM reports a stage change.
webhook-stage-moved = amoCRM: сделка «{ $deal }» перешла на этап «{ $stage }» ({ $pipeline }) — { $url }
webhook-stage-moved-by = amoCRM: { $user } перевёл(а) сделку «{ $deal }» на этап «{ $stage }» ({ $pipeline }) — { $url }
webhook-stage-won = amoCRM: сделка «{ $deal }» успешно реализована — { $url }
webhook-stage-won-by = amoCRM: { $user } отметил(а) сделку «{ $deal }» как успешно реализованную — { $url }
webhook-stage-lost = amoCRM: сделка «{ $deal }» закрыта и не реализована — { $url }
webhook-stage-lost-by = amoCRM: { $user } закрыл(а) сделку «{ $deal }» как нереализованную — { $url }
