# The deal card: its fields, its news feed (amoCRM events and notes) and
# the comment form.

## Deal card.

card-title = Negocio
card-fields = Campos
card-feed = Actividad
card-contacts = Contactos
card-contact-main = Principal
card-tags = Etiquetas

## Feed entries.

feed-empty = Aún no hay eventos ni notas.
feed-note = Nota de { $author }
feed-note-service = Mensaje del sistema
feed-note-attachment = Archivo adjunto
feed-lead-added = Negocio creado
feed-lead-deleted = Negocio eliminado
feed-lead-restored = Negocio restaurado
feed-status-changed = Etapa cambiada: { $from } → { $to }
feed-responsible-changed = Responsable cambiado: { $from } → { $to }
feed-field-changed = Campo “{ $field }” modificado
feed-price-changed = Presupuesto cambiado: { $from } → { $to }
feed-name-changed = Negocio renombrado
feed-chat-in = Mensaje de chat entrante
feed-chat-out = Mensaje de chat saliente
feed-call-in = Llamada entrante
feed-call-out = Llamada saliente
feed-call-duration = { $minutes } min { $seconds } s
feed-call-recording = Grabación
feed-sms-in = SMS entrante
feed-sms-out = SMS saliente
feed-tag-added = Etiqueta añadida
feed-tag-removed = Etiqueta eliminada
feed-contact-linked = Contacto vinculado
feed-contact-unlinked = Contacto desvinculado
feed-event-other = Evento: { $type }
feed-by = por { $author }
feed-unknown-author = Usuario desconocido
feed-system-author = Sistema
feed-more =
    { $count ->
        [one] { $count } evento más
       *[other] { $count } eventos más
    }

## Comments.

comment-placeholder = Escriba un comentario sobre el negocio…
button-post-comment = Añadir comentario
button-log-ticket = Registrar este ticket en el negocio
log-ticket-done = La conversación del ticket se registró en este negocio como una nota.
log-ticket-already = Este ticket ya se registró en este negocio el { $date }; no se añadió nada.
log-ticket-in-progress = Este ticket se está registrando en este negocio en este momento; no se añadió nada más.
comment-posted = El comentario se ha añadido.

## A note in the feed, its author shown beside its time.

feed-note-title = Nota

# A private comment in the Usedesk ticket a deal was created from, when amoCRM reports a stage change.
webhook-stage-moved = amoCRM: el negocio “{ $deal }” pasó a { $stage } ({ $pipeline }) — { $url }
webhook-stage-moved-by = amoCRM: { $user } movió el negocio “{ $deal }” a { $stage } ({ $pipeline }) — { $url }
webhook-stage-won = amoCRM: el negocio “{ $deal }” se ganó — { $url }
webhook-stage-won-by = amoCRM: { $user } marcó el negocio “{ $deal }” como ganado — { $url }
webhook-stage-lost = amoCRM: el negocio “{ $deal }” se perdió — { $url }
webhook-stage-lost-by = amoCRM: { $user } marcó el negocio “{ $deal }” como perdido — { $url }
