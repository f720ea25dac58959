# The amoCRM block inside the Usedesk ticket card: chrome, setup problems,
# login, contacts, deals and the degraded states.

## Block title and chrome.

block-title = amoCRM
block-refresh-hint = Refresh the block to see the changes.
block-open-in-amocrm = Open in amoCRM
block-settings = Settings
block-back = Back
block-loading = Loading…

## The block is not configured yet.

state-missing-host = The block is not set up yet: in the block settings in Usedesk, add the POST parameter amo_base_host with the address of your amoCRM account (for example, https://example.amocrm.com/).
state-refused-host = { $host } is not an amoCRM or Kommo address. Check the amo_base_host parameter in the block settings.
state-oauth-not-configured = The amoCRM integration is not configured on the server yet (the integration ID, secret key or redirect address is missing). Contact your administrator.
state-bad-secret = The request was rejected: the block's secret key does not match the one configured on the server. Ask your administrator to check the block settings.
state-missing-token = In the block settings in Usedesk, add the POST parameter usedesk_api_token: it identifies your Usedesk account.
state-bad-usedesk-token = Usedesk did not accept the usedesk_api_token from the block settings. Check the token of your API channel.

## Login.

state-needs-login = Log in to amoCRM to see this client's contacts and deals.
login-all-agents = Connecting amoCRM connects it for all agents of this Usedesk account, not only for you.
login-acts-as = What agents do from the block appears in amoCRM as the amoCRM user who logs in.
state-login-expired = Access to amoCRM has expired or was revoked. Log in to amoCRM again.
block-notice-other-account = Another Usedesk account ({ $account }) connected to this amoCRM account at { $time }. Its agents can now see and change this account's contacts and deals. If you do not recognise it, revoke the integration's access in amoCRM.
button-login = Login to amoCRM

## Contacts.

state-no-contact = No data about this client in amoCRM yet.
state-no-contact-hint = Add the client to amoCRM: the name, phones and e-mails from the ticket are filled in for you.
button-add-to-amocrm = Add to amoCRM
contacts-found =
    { $count ->
        [0] No contacts found
        [one] { $count } contact found
       *[other] { $count } contacts found
    }
contact-linked = Linked to this client
contact-link-hint = Link one of the contacts to this client to see only that contact from now on.
button-link = Link
button-unlink = Unlink
contact-phones = Phones
contact-emails = E-mails
contact-responsible = Responsible
contact-no-identifiers = The ticket has neither a phone nor an e-mail of the client, so there is nothing to search amoCRM by.
contact-search-hint = Contacts are searched by the client's phones and e-mails from the ticket.
contact-unnamed = Unnamed contact
contact-show-deals = Show deals

## Deals.

deals-title = Deals
deals-none = No deals yet
deals-open-budget = Open deals: { $amount }
deals-show-all =
    { $count ->
        [one] Show the { $count } open deal
       *[other] Show all { $count } open deals
    }
deals-closed =
    { $count ->
        [one] { $count } closed deal
       *[other] { $count } closed deals
    }
deals-count =
    { $count ->
        [0] No deals
        [one] { $count } deal
       *[other] { $count } deals
    }
deals-of-contact = Deals of { $name }
deal-status-open = Open
deal-status-won = Won
deal-status-lost = Lost
deal-price = Budget
deal-pipeline = Pipeline
deal-stage = Stage
deal-responsible = Responsible
deal-created = Created
button-new-deal = New deal
button-open-deal = Open deal

## Degraded states: amoCRM is slow, busy, blocked or failing.

state-stale = amoCRM is not answering; data as of { $time }.
state-busy = amoCRM is busy: it is receiving too many requests. Refresh the block in a minute.
state-busy-until = amoCRM is busy: it is receiving too many requests. Retrying at { $until }.
state-queued = Many requests for this amoCRM account are queued here. The data will come in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
state-blocked = amoCRM has paused this integration for a few minutes because requests came too often. Refresh the block later; if it lasts more than an hour, tell your administrator.
state-blocked-until = amoCRM has paused this integration because requests came too often. Paused until { $until }: refresh the block after that.
state-payment-required = The amoCRM subscription has ended: tell your administrator. The data will be back once the subscription is renewed in amoCRM.
state-preparing = The data for this client is being fetched from amoCRM and will be ready in about { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }. The block reloads itself then; if it does not, reload it.
state-upstream-error = amoCRM answered with an error. Try refreshing the block a little later.
state-timeout = amoCRM took too long to answer. Try refreshing the block.
state-internal-error = Something went wrong on our side. If it happens again, give your administrator this reference: { $ref }.

## The block's layout: setup details, badges, stale data and references.

setup-needed = Setup needed
setup-missing-host = In the block settings in Usedesk, add this POST parameter with the address of your amoCRM account:
setup-missing-token = In the block settings in Usedesk, add this POST parameter with the secret key of your Usedesk API channel:
setup-allowed-hosts = Only amoCRM and Kommo account addresses are allowed, for example:
setup-oauth-hint = The administrator sets the client ID, client secret and redirect URI of the amoCRM integration in the service configuration.
setup-bad-secret-hint = The secret key in the dynamic block's settings in Usedesk must be the same as in the service configuration.
contact-linked-badge = Linked
contact-matched-by = Found by: { $ids }
contact-searched-by = Searched by: { $ids }
contact-not-searched =
    { $count ->
        [one] { $count } more phone or e-mail of the client was not searched (at most 5 phones and 5 e-mails are).
       *[other] { $count } more phones or e-mails of the client were not searched (at most 5 phones and 5 e-mails are).
    }
contact-open-in-amocrm = Open the contact in amoCRM
deal-open-in-amocrm = Open the deal in amoCRM
deal-open-card = Open the deal card
deal-updated = Updated
user-by-id = User #{ $id }
state-stale-busy = amoCRM is busy; data as of { $time }.
state-stale-busy-until = amoCRM is busy, retrying at { $until }; data as of { $time }.
state-stale-queued = Many requests for this amoCRM account are queued here; fresh data in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }. Data as of { $time }.
state-stale-blocked = amoCRM has paused this integration for a few minutes; data as of { $time }.
state-stale-blocked-until = amoCRM has paused this integration until { $until }; data as of { $time }.
state-stale-payment = The amoCRM subscription has ended (tell your administrator); data as of { $time }.
state-stale-preparing = Fresh data is being fetched from amoCRM and will be ready in about { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }. Data as of { $time }.
block-reference = Reference: { $ref }
block-new-badge = New
block-writes-paused = amoCRM is not accepting changes right now, so adding, linking and comments are switched off. “Open in amoCRM” still works.
button-add-edit-first = Edit before adding
block-admin-reference = For your administrator: reference { $ref }

deal-change = Change
deal-changed = The deal was changed.
deal-edit-title = Change the deal “{ $name }”
deal-edit-won = Closed — won
deal-edit-lost = Closed — lost
deal-edit-close = Close the deal
deal-edit-current = Current stage
deal-edit-back = Back to the deal

company-deals-of = Deals of { $name }
company-deals-more =
    { $count ->
        [one] { $count } more
       *[other] { $count } more
    }
deal-move = Move
deal-move-label = Move to stage
deal-move-needs = This stage needs: { $fields }.
deal-move-fill = Fill in and move on the edit page
