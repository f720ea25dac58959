# Standalone pages that open in a new tab (login, actions), texts written
# to Usedesk, errors of the trigger API, and the preview page.

## Page chrome.

page-title = amoCRM for Usedesk
page-success-title = Done
page-failure-title = Something went wrong
page-close-tab = You can close this tab now.

## Login to amoCRM.

oauth-success = You have successfully authorized!
oauth-success-hint = Close this tab and refresh the amoCRM block in Usedesk.
oauth-denied = You did not allow access to amoCRM. To connect the block, log in again and click “Allow”.
oauth-bad-state = This login link is invalid or has expired. Start the login from the amoCRM block in Usedesk again.
oauth-host-mismatch = You authorized the amoCRM account { $actual }, but the block is set up for { $expected }. Log in to { $expected } and try again.
oauth-exchange-failed = amoCRM did not confirm the authorization. Try logging in again in a few minutes.
usedesk-account-named = Usedesk account of agents { $domains } ({ $count ->
        [one] { $count } agent
       *[other] { $count } agents
    }), #{ $fingerprint }
usedesk-account-unnamed = Usedesk account #{ $fingerprint }
usedesk-account-short-named = agents { $domains }, { $count ->
        [one] { $count } agent
       *[other] { $count } agents
    }, #{ $fingerprint }
usedesk-account-short-unnamed = account #{ $fingerprint }
login-confirm-title = Connect amoCRM to Usedesk?
login-confirm-usedesk = Usedesk account
login-confirm-amocrm = amoCRM account
login-confirm-consequence = Connecting gives every agent of this Usedesk account read and write access to the amoCRM account { $host }: its contacts, deals and notes.
login-confirm-warning = Continue only if this is your own Usedesk account and you started this login from the amoCRM block of a ticket. If someone sent you this link, close this page.
login-confirm-continue = Continue to amoCRM
login-confirm-pin-hint = Fingerprint of this Usedesk account for the login pins of the service configuration: { $fingerprint }
oauth-success-joined = The amoCRM account { $host } is now connected to the { $account }.
oauth-success-all-agents = The connection is for all agents of this Usedesk account: each of them can see and change the contacts and deals of this amoCRM account from the block.
oauth-link-spent = This login link has expired or was already used — refresh the amoCRM block and press “Login to amoCRM” again.
oauth-not-pinned = The administrator of this service has not allowed the { $account } to connect to the amoCRM account { $host }.
oauth-not-pinned-hint = If this connection is intended, the administrator adds this pin to the service configuration and restarts the service:
oauth-cross-site = This login was not confirmed on this service's own page. Open the login link from the amoCRM block in Usedesk and press the button there.

## Actions started from the block.

action-token-invalid = This link is invalid or has expired. Refresh the block and try again.
action-token-expired = This link has expired. Refresh the block and try again.
action-done-contact-created = The contact “{ $name }” has been created in amoCRM.
action-done-deal-created = The deal “{ $name }” has been created in amoCRM.
action-done-linked = The client is now linked to the amoCRM contact “{ $name }”.
action-done-unlinked = The client is no longer linked to an amoCRM contact.
action-done-comment = The comment has been added to the deal.
action-failed = The action failed: { $reason }

## Private comments written to the Usedesk ticket.

usedesk-comment-deal-created = The deal “{ $name }” was created in amoCRM from this ticket: { $url }
usedesk-comment-contact-created = The contact “{ $name }” was created in amoCRM from this ticket: { $url }
amocrm-note-from-ticket = Created from Usedesk ticket #{ $ticket } “{ $subject }”: { $url }
amocrm-note-from-ticket-no-subject = Created from Usedesk ticket #{ $ticket }: { $url }
amocrm-note-by-agent = Created by the Usedesk agent { $agent }.
amocrm-note-by-trigger = Created by a Usedesk trigger.
amocrm-log-header = Conversation of Usedesk ticket #{ $ticket } “{ $subject }”: { $url }
amocrm-log-header-no-subject = Conversation of Usedesk ticket #{ $ticket }: { $url }
amocrm-log-by-agent = Logged by the Usedesk agent { $agent }.
amocrm-log-empty = The ticket has no messages yet.
amocrm-log-trimmed = … the rest of the conversation is in the full ticket: { $url }
amocrm-log-client = { $name } (client)
amocrm-log-client-unnamed = Client
amocrm-log-agent = { $name } (agent)
amocrm-log-agent-unnamed = Agent
amocrm-log-trigger = Usedesk trigger
amocrm-log-other = Usedesk

## Errors of the trigger API (freeCreateLead).

api-error-bad-json = The request body is not valid JSON or does not match the freeCreateLead format.
api-error-payload-too-large = The request body is too large.
api-error-unknown-client = No connection has this amoClientId. Copy the Integration ID from the amoCRM block settings.
api-error-needs-login = The connection has no valid access to amoCRM. Log in to amoCRM from the block in Usedesk.
api-error-ticket-not-found = Usedesk has no ticket { $ticket }.
api-error-validation = Some deal fields are invalid.
api-error-upstream-unavailable = amoCRM is unavailable right now. Retry the request later.
api-error-conflict = A request with the same Idempotency-Key but a different body has already been processed.
api-error-in-progress = The same request is being processed right now. Retry it in a few seconds.
api-error-rejected = amoCRM refused the deal: { $reason }
api-error-payment-required = The amoCRM subscription has ended.
api-error-forbidden = The amoCRM user of this connection may not do this.
api-error-usedesk-unavailable = Usedesk is unavailable right now. Retry the request later.
api-error-usedesk-refused = Usedesk refused the request: check the usedesk_api_token of the block (open the block in a ticket once after changing it).
api-error-internal = Something went wrong on our side (reference { $ref }).
api-error-trigger-secret-required = This request carries no trigger secret. Open the gear of the amoCRM block in any ticket → Trigger secret, create one, and send it in the X-Trigger-Secret header of the trigger's POST request, or add ?secret=… to its URL.
api-error-trigger-secret-invalid = The trigger secret is wrong, was rotated, or is not the one of this amoClientId. Open the gear of the amoCRM block in any ticket → Trigger secret, create a new one, and put it in the X-Trigger-Secret header of the trigger's POST request, or in ?secret=… of its URL.

## Preview page.

preview-title = Block preview
preview-note = This page imitates the Usedesk ticket card.
preview-pick-ticket = Sample ticket
preview-ticket = Ticket #{ $id }
preview-client = Client
preview-language = Language
preview-render = Show the block

## Outcomes of actions without a message of their own, and more of the preview page.

action-done-link = The client is now linked to the chosen amoCRM contact.
action-token-replayed = This link has already been used. Refresh the block to see the result or to start again.
action-not-found = The contact or deal was not found in amoCRM: it may have been deleted. Refresh the block.
action-unavailable = amoCRM or Usedesk did not answer. Try again in a minute.
action-rejected = amoCRM refused the change: { $reason }
preview-reload = Reload the block
preview-error = The service did not answer. Check that it is running and try again.
preview-subject = Subject
preview-simulate = Simulate amoCRM
preview-fault-none = Working normally (clear)
preview-fault-down = Down (500)
preview-fault-busy = Busy (429)
preview-fault-blocked = Blocked (403)
preview-fault-payment = Subscription ended (402)
preview-fault-revoked = Access revoked
preview-fault-slow = Slow (3 s)
preview-comments = Private comments

## The trigger secret, shown once after it is created.

trigger-secret-title-created = Trigger secret created
trigger-secret-title-rotated = Trigger secret rotated
trigger-secret-once = Copy it now: it is shown only this once. If it gets lost, rotate it in the settings (gear) of the amoCRM block.
trigger-secret-replaced = The previous secret no longer works. Put this one into every trigger that used it.
trigger-secret-label = Trigger secret
trigger-secret-not-required = This server does not require trigger secrets in general, but this connection has one now, so its triggers must send it.
trigger-secret-how = Put it into the Usedesk trigger
trigger-secret-step-rule = In Usedesk, open Settings → Rules (triggers), choose the rule, and add the action “POST request”.
trigger-secret-step-url = URL of the request:
trigger-secret-step-header = Headers: add the header { $name } with the secret as its value. As one line:
trigger-secret-step-body = Body (data): the JSON for this connection. Add the deal fields you need (pipeline, stage, budget, custom fields).
trigger-secret-no-headers-title = If the action has no headers
trigger-secret-no-headers = Use this URL instead: it carries the secret in its query. Proxies may log URLs, so prefer the header.
trigger-secret-try-title = Try it
trigger-secret-try = This command creates a real deal for ticket #{ $ticket }; running it again returns the same deal.
trigger-secret-lost = Once this page is closed, the secret cannot be seen anywhere. A new one can be created in the gear at any time; the old one then stops working.
trigger-sample-deal = Deal from ticket
trigger-sample-comment = Created by a Usedesk rule
button-new-deal-for-contact = New deal for this contact
contact-created-block-hint = The block in the ticket shows the contact once you refresh it.

# The gear's connection page.
settings-connection-link = amoCRM connection: account, user, disconnect
connection-title = amoCRM connection
connection-account = amoCRM account: { $host }
connection-all-agents = This connection serves every agent of this Usedesk account.
connection-user = Actions from the block appear in amoCRM as { $user }.
connection-user-unknown = Which amoCRM user actions appear as is recorded at the next login.
connection-since = Connected { $date }.
connection-needs-login = Not connected: an agent must log in to amoCRM from the block.
connection-webhooks-on = amoCRM reports its changes here as they happen (webhook since { $date }).
connection-webhooks-off = amoCRM does not report its changes here (no webhook): the block refreshes its data every few seconds instead.
connection-stage-comments-on = When a deal created from a ticket changes stage, a private comment says so in that ticket.
connection-stage-comments-off = Stage changes of deals are not commented in tickets.
connection-stage-comments-turn-off = Stop commenting stage changes
connection-stage-comments-turn-on = Comment stage changes in tickets
connection-reconnect = Reconnect as another amoCRM user
connection-reconnect-hint = Log in to amoCRM as the user the actions should appear as; the Integration ID stays the same.
connection-disconnect-title = Disconnect
connection-disconnect-explain = Disconnecting deletes the stored amoCRM and Usedesk tokens and removes amoCRM's webhook. Every agent's block then asks to log in.
connection-keep-settings = Keep the contact links and the field choices for the next login
connection-keep-settings-hint = If unticked, they are deleted too.
connection-disconnect = Disconnect
connection-disconnected = Disconnected: the stored tokens are deleted.
connection-disconnected-kept = The contact links and field choices were kept.
connection-disconnected-forgotten = The contact links and field choices were deleted.

contact-created-company-linked = The contact is linked to the company “{ $name }”.
contact-created-company-created = The company “{ $name }” was created and the contact linked to it.
contact-created-company-not-created = The company “{ $name }” could not be created: the contact was created without a company. Add the company to the contact in amoCRM.
contact-created-company-not-linked = The contact could not be linked to the company “{ $name }”: both exist, but unlinked. Link them in amoCRM.
contact-created-company-created-not-linked = The company “{ $name }” was created, but the contact could not be linked to it: both exist, unlinked. Link them in amoCRM.
contact-created-company-open = Open the company in amoCRM
