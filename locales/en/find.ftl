## Finding a contact by hand: the search form in the block and its results page.

search-title = Find a contact in amoCRM
search-label = Name, phone, e-mail or company
search-placeholder = Name, phone, e-mail or company
button-search = Search
search-hint = Phones can be written in any format. A name or a company finds possible matches: check before linking.
search-empty = Type a name, phone, e-mail or company to search for.
search-too-long = The search is too long: use at most { $max } characters.
search-nothing = Nothing found for “{ $query }”.
search-found =
    { $count ->
        [one] { $count } contact found for “{ $query }”
       *[other] { $count } contacts found for “{ $query }”
    }
search-truncated = Only the first { $count } are shown: make the search more precise.
search-as-phone = Searched as the phone { $phone }.
search-as-email = Searched as the e-mail { $email }.
search-possible = Possible match
search-confirmed = Exact match
search-via-company = Company: { $company }
search-link-done-hint = Linked contacts are shown in the block from now on.

## Keeping the contact in step with the ticket.

button-add-value = Add { $value } to this contact
contact-values-missing = The client's ticket has what this contact lacks:
action-done-value-added = { $value } has been added to the contact in amoCRM.

## A contact's tasks.

button-tasks = Tasks
button-call-back = Call back
tasks-title = Tasks: { $contact }
tasks-none = No open tasks.
tasks-new = New task
task-type = Type
task-text = What to do
task-due = Due
task-result = Result
task-overdue = Overdue
task-due-today = Today
task-on-contact = On the contact
task-on-deal = On the deal “{ $deal }”
task-due-invalid = Choose the date and time the task is due.
task-call-back-text = Call back
button-create-task = Create task
button-complete-task = Complete
action-done-task-created = The task has been created in amoCRM.
action-done-task-completed = The task has been completed.
block-contact-tasks = The contact's open tasks
button-task-done = Done
task-due-today-at = today { $time }
task-due-tomorrow-at = tomorrow { $time }
task-due-yesterday-at = yesterday { $time }
block-tasks-more = { $count } more on the tasks page
block-tasks-more-unread = More on the tasks page

## A contact's company.

contact-company = Company

## Editing a contact.

button-edit-contact = Edit
contact-edit-title = Edit the contact
button-save-contact = Save
action-done-contact-saved = The contact has been saved in amoCRM.
contact-position = Position
contact-position-hint = Leaving it empty keeps the current position; to remove it, open the contact in amoCRM.
block-tasks-not-read = Open tasks could not be loaded just now: reload the block in a moment, or open Tasks.
task-on = Where
