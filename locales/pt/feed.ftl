# The deal card: its fields, its news feed (amoCRM events and notes) and
# the comment form.

## Deal card.

card-title = Negócio
card-fields = Campos
card-feed = Feed de notícias
card-contacts = Contatos
card-contact-main = Principal
card-tags = Etiquetas

## Feed entries.

feed-empty = Ainda não há eventos nem notas.
feed-note = Nota de { $author }
feed-note-service = Mensagem do sistema
feed-note-attachment = Arquivo anexado
feed-lead-added = Negócio criado
feed-lead-deleted = Negócio excluído
feed-lead-restored = Negócio restaurado
feed-status-changed = Etapa alterada: { $from } → { $to }
feed-responsible-changed = Responsável alterado: { $from } → { $to }
feed-field-changed = Campo “{ $field }” alterado
feed-price-changed = Orçamento alterado: { $from } → { $to }
feed-name-changed = Negócio renomeado
feed-chat-in = Mensagem de chat recebida
feed-chat-out = Mensagem de chat enviada
feed-call-in = Chamada recebida
feed-call-out = Chamada realizada
feed-call-duration = { $minutes } min { $seconds } s
feed-call-recording = Gravação
feed-sms-in = SMS recebido
feed-sms-out = SMS enviado
feed-tag-added = Tag adicionada
feed-tag-removed = Tag removida
feed-contact-linked = Contato vinculado
feed-contact-unlinked = Contato desvinculado
feed-event-other = Evento: { $type }
feed-by = por { $author }
feed-unknown-author = Usuário desconhecido
feed-system-author = Sistema
feed-more =
    { $count ->
        [one] Mais { $count } evento
       *[other] Mais { $count } eventos
    }

## Comments.

comment-placeholder = Escreva um comentário sobre o negócio…
button-post-comment = Adicionar comentário
button-log-ticket = Registrar este ticket no negócio
log-ticket-done = A conversa do ticket foi registrada neste negócio como uma nota.
log-ticket-already = Este ticket já foi registrado neste negócio em { $date }; nada foi adicionado.
log-ticket-in-progress = Este ticket está sendo registrado neste negócio agora mesmo; nada mais foi adicionado.
comment-posted = O comentário foi adicionado.

## A note in the feed, its author shown beside its time.

feed-note-title = Nota

# A private comment in the Usedesk ticket a deal was created from, when amoCRM reports a stage change.
webhook-stage-moved = amoCRM: o negócio “{ $deal }” passou para { $stage } ({ $pipeline }) — { $url }
webhook-stage-moved-by = amoCRM: { $user } moveu o negócio “{ $deal }” para { $stage } ({ $pipeline }) — { $url }
webhook-stage-won = amoCRM: o negócio “{ $deal }” foi ganho — { $url }
webhook-stage-won-by = amoCRM: { $user } marcou o negócio “{ $deal }” como ganho — { $url }
webhook-stage-lost = amoCRM: o negócio “{ $deal }” foi perdido — { $url }
webhook-stage-lost-by = amoCRM: { $user } marcou o negócio “{ $deal }” como perdido — { $url }
