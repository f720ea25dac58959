# Forms in the block (new contact, new deal), their validation messages,
# and the gear settings.

## New contact.

form-contact-title = New contact in amoCRM
form-name = Name
form-first-name = First name
form-last-name = Last name
form-phone = Phone
form-email = E-mail
form-submit-create-contact = Create contact

## New deal.

form-deal-title = New deal
form-deal-name = Deal name
form-price = Budget
form-pipeline-stage = Pipeline and stage
form-responsible = Responsible
form-comment = Note for the deal
form-required-for-stage = Required at the stage “{ $stage }”
form-required = Required
form-optional = optional
form-submit-create-deal = Create deal
form-cancel = Cancel
form-select-placeholder = Choose…
form-multiselect-hint = Hold Ctrl (⌘ on a Mac) to choose several values.
form-yes = Yes
form-no = No

## Validation.

form-errors-title =
    { $count ->
        [one] There is { $count } error in the form
       *[other] There are { $count } errors in the form
    }
form-missing-required =
    { $count ->
        [one] { $count } required field is missing
       *[other] { $count } required fields are missing
    }
error-field-required = Fill in “{ $field }”.
error-field-number = “{ $field }” must be a number, such as 12 500 or 1 500,50.
error-field-enum = Choose a value for “{ $field }” from the list.
error-field-date = “{ $field }” must be a date.
error-field-url = “{ $field }” must be a web address starting with http:// or https://.
error-field-email = “{ $field }” must be an e-mail address.
error-field-checkbox = A checkbox can only be on or off.
error-field-too-long =
    “{ $field }” is too long: at most { $max } { $max ->
        [one] character
       *[other] characters
    }.
error-comment-empty = Write the comment first.

## Gear: block settings.

settings-title = Block settings
settings-account = amoCRM account: { $host }
settings-list-fields = Fields in the deals list
settings-card-fields = Fields in the deal card
settings-no-fields = This amoCRM account has no custom deal fields.
settings-integration-id = Integration ID (amoClientId) for triggers
settings-integration-id-hint = Use this ID as “amoClientId” in the POST request of a Usedesk trigger that calls /api/freeCreateLead, together with the trigger secret below.
settings-save = Save
settings-saved = Settings saved. Refresh the block to see the changes.
settings-trigger-secret = Trigger secret
settings-trigger-secret-set = This connection has a trigger secret. Only its hash is stored, so it cannot be shown again.
settings-trigger-secret-created = Created { $date }.
settings-trigger-secret-none = No trigger secret yet: every trigger of this connection is refused until you create one.
settings-trigger-secret-none-optional = No trigger secret yet. This server does not require one, so anyone who knows the Integration ID can create deals and contacts and write comments into tickets. Create a secret to require it for this connection.
settings-trigger-secret-hint = Usedesk triggers must send it with every call to /api/freeCreateLead. It is shown once, right after you create it.
settings-trigger-secret-rotate-hint = Rotating makes the current secret stop working at once: put the new one into every trigger that uses this Integration ID.
settings-trigger-secret-create = Create trigger secret
settings-trigger-secret-rotate = Rotate trigger secret

## Form layout: stage reload, more field errors and settings hints.

form-show-required = Show required fields
form-price-currency = Budget, { $currency }
form-required-hint = Fields marked * are required at the chosen stage.
form-empty-lines-hint = Empty lines are skipped.
error-field-phone = “{ $field }” is not a phone number.
error-field-unknown = The field “{ $field }” cannot be filled in here.
error-stage-not-in-pipeline = Choose a stage of the pipeline from the list.
comment-label = Comment
settings-choose-hint = Tick the fields to show.
settings-card-default = While nothing is ticked here, the deal card shows every filled field.
form-stage-in-pipeline = { $pipeline } → { $stage }
form-stage-needs = { $stage } · needs { $fields }
form-required-at = Required at: { $stages }
form-more-fields = More fields
settings-trigger-title = Create deals from a Usedesk trigger
settings-trigger-intro = In Usedesk, open Settings → Rules (triggers), choose the rule and add the action “POST request” with these values. Insert { $variable } with the variable picker, so Usedesk puts in the ticket’s number.
settings-trigger-url = URL
settings-trigger-header = Header { $name }: the trigger secret (see “Trigger secret” below; it is shown once, when it is created). The secret never goes into the body.
settings-trigger-body = It creates the deal in the first stage of the main pipeline. To choose another stage, put its pipeline_id and status_id from the table below; custom fields go into custom_fields_values by their field_id. Set log_ticket to true to also log the ticket’s conversation to the new deal as one note.
settings-trigger-body-label = Body (JSON)
settings-ids-title = IDs for triggers
settings-filter = Filter
settings-filter-placeholder = Name or ID
settings-pipelines = Pipelines and stages
settings-users = Users
settings-fields = Deal fields
settings-col-name = Name
settings-col-required = Required at
settings-archived = archived
settings-choice-title = Fields shown in the block
button-retry = Try again
form-problem-not-saved = Nothing was saved. Everything you typed is still here.
form-problem-maybe-saved = The answer from amoCRM did not arrive, so this may have been saved anyway. Check in amoCRM before you try again; everything you typed is still here.

form-loss-reason = Loss reason
form-loss-reason-hint = Only when the deal is closed as lost.
button-save-deal = Save changes
error-field-refused = amoCRM did not accept “{ $field }”: { $detail }

form-company = Company
form-company-hint = Found in amoCRM by its exact name; a new company is created when none has it.
form-company-choose = Several companies in amoCRM are named “{ $name }”. Which one is the contact’s?
form-company-new = A new company named “{ $name }”
