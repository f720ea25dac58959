# Forms in the block (new contact, new deal), their validation messages,
# and the gear settings.

## New contact.

form-contact-title = Nuevo contacto en amoCRM
form-name = Nombre completo
form-first-name = Nombre
form-last-name = Apellidos
form-phone = Teléfono
form-email = Correo electrónico
form-submit-create-contact = Crear contacto

## New deal.

form-deal-title = Nuevo negocio
form-deal-name = Nombre del negocio
form-price = Presupuesto
form-pipeline-stage = Embudo y etapa
form-responsible = Responsable
form-comment = Nota para el negocio
form-required-for-stage = Obligatorio en la etapa “{ $stage }”
form-required = Obligatorio
form-optional = opcional
form-submit-create-deal = Crear negocio
form-cancel = Cancelar
form-select-placeholder = Seleccione…
form-multiselect-hint = Mantenga pulsada la tecla Ctrl (⌘ en Mac) para elegir varios valores.
form-yes = Sí
form-no = No

## Validation.

form-errors-title =
    { $count ->
        [one] Hay { $count } error en el formulario
       *[other] Hay { $count } errores en el formulario
    }
form-missing-required =
    { $count ->
        [one] Falta { $count } campo obligatorio
       *[other] Faltan { $count } campos obligatorios
    }
error-field-required = Rellene “{ $field }”.
error-field-number = “{ $field }” debe ser un número, como 12 500 o 1 500,50.
error-field-enum = Elija un valor de la lista para “{ $field }”.
error-field-date = “{ $field }” debe ser una fecha.
error-field-url = “{ $field }” debe ser una dirección web que empiece por http:// o https://.
error-field-email = “{ $field }” debe ser una dirección de correo electrónico.
error-field-checkbox = Una casilla solo puede estar marcada o desmarcada.
error-field-too-long =
    “{ $field }” es demasiado largo: como máximo { $max } { $max ->
        [one] carácter
       *[other] caracteres
    }.
error-comment-empty = Escriba primero el comentario.

## Gear: block settings.

settings-title = Configuración del bloque
settings-account = Cuenta de amoCRM: { $host }
settings-list-fields = Campos en la lista de negocios
settings-card-fields = Campos en la ficha del negocio
settings-no-fields = Esta cuenta de amoCRM no tiene campos personalizados de negocios.
settings-integration-id = ID de integración (amoClientId) para disparadores
settings-integration-id-hint = Use este ID como “amoClientId” en la solicitud POST de un disparador de Usedesk que llame a /api/freeCreateLead, junto con el secreto del disparador de abajo.
settings-save = Guardar
settings-saved = Configuración guardada. Actualice el bloque para ver los cambios.
settings-trigger-secret = Secreto del disparador
settings-trigger-secret-set = Esta conexión tiene un secreto del disparador. Solo se guarda su hash, así que no se puede volver a mostrar.
settings-trigger-secret-created = Creado el { $date }.
settings-trigger-secret-none = Aún no hay secreto del disparador: todos los disparadores de esta conexión se rechazan hasta que cree uno.
settings-trigger-secret-none-optional = Aún no hay secreto del disparador. Este servidor no lo exige, así que cualquiera que conozca el ID de integración puede crear negocios y contactos y escribir comentarios en los tickets. Cree un secreto para exigirlo en esta conexión.
settings-trigger-secret-hint = Los disparadores de Usedesk deben enviarlo en cada llamada a /api/freeCreateLead. Se muestra una sola vez, justo después de crearlo.
settings-trigger-secret-rotate-hint = Al renovarlo, el secreto actual deja de funcionar de inmediato: ponga el nuevo en todos los disparadores que usan este ID de integración.
settings-trigger-secret-create = Crear secreto del disparador
settings-trigger-secret-rotate = Renovar secreto del disparador

## Form layout: stage reload, more field errors and settings hints.

form-show-required = Mostrar campos obligatorios
form-price-currency = Presupuesto, { $currency }
form-required-hint = Los campos marcados con * son obligatorios en la etapa elegida.
form-empty-lines-hint = Las líneas vacías se omiten.
error-field-phone = “{ $field }” no es un número de teléfono.
error-field-unknown = El campo “{ $field }” no se puede rellenar aquí.
error-stage-not-in-pipeline = Elija una etapa del embudo de la lista.
comment-label = Comentario
settings-choose-hint = Marque los campos que desea mostrar.
settings-card-default = Mientras no haya nada marcado aquí, la ficha del negocio muestra todos los campos rellenados.
form-stage-in-pipeline = { $pipeline } → { $stage }
form-stage-needs = { $stage } · requiere { $fields }
form-required-at = Obligatorio en: { $stages }
form-more-fields = Más campos
settings-trigger-title = Crear negocios desde un disparador de Usedesk
settings-trigger-intro = En Usedesk, abra Configuración → Reglas (disparadores), elija la regla y añada la acción “Solicitud POST” con estos valores. Inserte { $variable } con el selector de variables para que Usedesk ponga el número del ticket.
settings-trigger-url = URL
settings-trigger-header = Encabezado { $name }: el secreto del disparador (vea “Secreto del disparador” abajo; se muestra una sola vez, al crearlo). El secreto nunca va en el cuerpo.
settings-trigger-body = Crea el negocio en la primera etapa del embudo principal. Para elegir otra etapa, ponga su pipeline_id y status_id de la tabla de abajo; los campos personalizados van en custom_fields_values con su field_id. Ponga log_ticket en true para registrar también la conversación del ticket en el nuevo negocio como una nota.
settings-trigger-body-label = Cuerpo (JSON)
settings-ids-title = ID para disparadores
settings-filter = Filtrar
settings-filter-placeholder = Nombre o ID
settings-pipelines = Embudos y etapas
settings-users = Usuarios
settings-fields = Campos del negocio
settings-col-name = Nombre
settings-col-required = Obligatorio en
settings-archived = archivado
settings-choice-title = Campos que muestra el bloque
button-retry = Intentar de nuevo
form-problem-not-saved = No se guardó nada. Todo lo que escribió sigue aquí.
form-problem-maybe-saved = La respuesta de amoCRM no llegó, así que puede que se haya guardado de todos modos. Compruébelo en amoCRM antes de intentarlo de nuevo; todo lo que escribió sigue aquí.

form-loss-reason = Motivo de la pérdida
form-loss-reason-hint = Solo cuando el negocio se cierra como perdido.
button-save-deal = Guardar los cambios
error-field-refused = amoCRM no aceptó “{ $field }”: { $detail }

form-company = Empresa
form-company-hint = Se busca en amoCRM por su nombre exacto; si ninguna lo tiene, se crea una empresa nueva.
form-company-choose = Varias empresas en amoCRM se llaman “{ $name }”. ¿Cuál es la del contacto?
form-company-new = Una empresa nueva llamada “{ $name }”
