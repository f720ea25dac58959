# The deal card: its fields, its news feed (amoCRM events and notes) and
# the comment form.

## Deal card.

card-title = Deal
card-fields = Fields
card-feed = Feed
card-contacts = Contacts
card-contact-main = Main
card-tags = Tags

## Feed entries.

feed-empty = No events or notes yet.
feed-note = Note by { $author }
feed-note-service = System message
feed-note-attachment = File attached
feed-lead-added = Deal created
feed-lead-deleted = Deal deleted
feed-lead-restored = Deal restored
feed-status-changed = Stage changed: { $from } → { $to }
feed-responsible-changed = Responsible changed: { $from } → { $to }
feed-field-changed = Field “{ $field }” changed
feed-price-changed = Budget changed: { $from } → { $to }
feed-name-changed = Deal renamed
feed-chat-in = Incoming chat message
feed-chat-out = Outgoing chat message
feed-call-in = Incoming call
feed-call-out = Outgoing call
feed-call-duration = { $minutes } min { $seconds } s
feed-call-recording = Recording
feed-sms-in = Incoming SMS
feed-sms-out = Outgoing SMS
feed-tag-added = Tag added
feed-tag-removed = Tag removed
feed-contact-linked = Contact linked
feed-contact-unlinked = Contact unlinked
feed-event-other = Event: { $type }
feed-by = by { $author }
feed-unknown-author = Unknown user
feed-system-author = System
feed-more =
    { $count ->
        [one] { $count } more event
       *[other] { $count } more events
    }

## Comments.

comment-placeholder = Write a comment on the deal…
button-post-comment = Add comment
button-log-ticket = Log this ticket to the deal
log-ticket-done = The ticket's conversation was logged to this deal as a note.
log-ticket-already = This ticket was already logged to this deal on { $date }; nothing was added.
log-ticket-in-progress = This ticket is being logged to this deal right now; nothing more was added.
comment-posted = The comment has been added.

## A note in the feed, its author shown beside its time.

feed-note-title = Note

# A private comment in the Usedesk ticket a deal was created from, when amoCRM reports a stage change.
webhook-stage-moved = amoCRM: deal “{ $deal }” moved to { $stage } ({ $pipeline }) — { $url }
webhook-stage-moved-by = amoCRM: deal “{ $deal }” moved to { $stage } ({ $pipeline }) by { $user } — { $url }
webhook-stage-won = amoCRM: deal “{ $deal }” won — { $url }
webhook-stage-won-by = amoCRM: deal “{ $deal }” won by { $user } — { $url }
webhook-stage-lost = amoCRM: deal “{ $deal }” lost — { $url }
webhook-stage-lost-by = amoCRM: deal “{ $deal }” marked lost by { $user } — { $url }
