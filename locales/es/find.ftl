## Buscar un contacto a mano: el formulario de búsqueda del bloque y su página de resultados.

search-title = Buscar un contacto en amoCRM
search-label = Nombre, teléfono, e-mail o empresa
search-placeholder = Nombre, teléfono, e-mail o empresa
button-search = Buscar
search-hint = Los teléfonos pueden escribirse en cualquier formato. Un nombre o una empresa encuentra posibles coincidencias: compruébelas antes de vincular.
search-empty = Escriba un nombre, teléfono, e-mail o empresa para buscar.
search-too-long = La búsqueda es demasiado larga: use como máximo { $max } caracteres.
search-nothing = No se encontró nada para “{ $query }”.
search-found =
    { $count ->
        [one] { $count } contacto encontrado para “{ $query }”
       *[other] { $count } contactos encontrados para “{ $query }”
    }
search-truncated = Solo se muestran los primeros { $count }: precise la búsqueda.
search-as-phone = Buscado como el teléfono { $phone }.
search-as-email = Buscado como el e-mail { $email }.
search-possible = Posible coincidencia
search-confirmed = Coincidencia exacta
search-via-company = Empresa: { $company }
search-link-done-hint = A partir de ahora, el bloque muestra el contacto vinculado.

## Mantener el contacto al día con el ticket.

button-add-value = Añadir { $value } a este contacto
contact-values-missing = El ticket del cliente tiene datos que faltan en este contacto:
action-done-value-added = { $value } se ha añadido al contacto en amoCRM.

## Las tareas de un contacto.

button-tasks = Tareas
button-call-back = Devolver la llamada
tasks-title = Tareas: { $contact }
tasks-none = No hay tareas abiertas.
tasks-new = Nueva tarea
task-type = Tipo
task-text = Qué hacer
task-due = Fecha límite
task-result = Resultado
task-overdue = Vencida
task-due-today = Hoy
task-on-contact = En el contacto
task-on-deal = En el negocio “{ $deal }”
task-due-invalid = Elija la fecha y la hora límite de la tarea.
task-call-back-text = Devolver la llamada
button-create-task = Crear tarea
button-complete-task = Completar
action-done-task-created = La tarea se ha creado en amoCRM.
action-done-task-completed = La tarea se ha completado.
block-contact-tasks = Tareas abiertas del contacto
button-task-done = Hecho
task-due-today-at = hoy { $time }
task-due-tomorrow-at = mañana { $time }
task-due-yesterday-at = ayer { $time }
block-tasks-more = { $count } más en la página de tareas
block-tasks-more-unread = Más en la página de tareas

## La empresa de un contacto.

contact-company = Empresa

## Editar un contacto.

button-edit-contact = Editar
contact-edit-title = Editar el contacto
button-save-contact = Guardar
action-done-contact-saved = El contacto se ha guardado en amoCRM.
contact-position = Cargo
contact-position-hint = Si lo deja vacío, se conserva el cargo actual; para quitarlo, abra el contacto en amoCRM.
block-tasks-not-read = No se pudieron cargar las tareas abiertas ahora: recargue el bloque en un momento o abra Tareas.
task-on = Dónde
