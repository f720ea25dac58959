# Standalone pages that open in a new tab (login, actions), texts written
# to Usedesk, errors of the trigger API, and the preview page.

## Page chrome.

page-title = amoCRM para Usedesk
page-success-title = Hecho
page-failure-title = Algo salió mal
page-close-tab = Ya puede cerrar esta pestaña.

## Login to amoCRM.

oauth-success = ¡Ha autorizado el acceso correctamente!
oauth-success-hint = Cierre esta pestaña y actualice el bloque de amoCRM en Usedesk.
oauth-denied = No ha permitido el acceso a amoCRM. Para conectar el bloque, vuelva a iniciar sesión y haga clic en “Permitir”.
oauth-bad-state = Este enlace de inicio de sesión no es válido o ha caducado. Vuelva a iniciar sesión desde el bloque de amoCRM en Usedesk.
oauth-host-mismatch = Ha autorizado la cuenta de amoCRM { $actual }, pero el bloque está configurado para { $expected }. Inicie sesión en { $expected } e inténtelo de nuevo.
oauth-exchange-failed = amoCRM no confirmó la autorización. Intente iniciar sesión de nuevo dentro de unos minutos.
usedesk-account-named = cuenta de Usedesk de los agentes { $domains } ({ $count ->
        [one] { $count } agente
       *[other] { $count } agentes
    }), #{ $fingerprint }
usedesk-account-unnamed = cuenta de Usedesk #{ $fingerprint }
usedesk-account-short-named = agentes { $domains }, { $count ->
        [one] { $count } agente
       *[other] { $count } agentes
    }, #{ $fingerprint }
usedesk-account-short-unnamed = cuenta #{ $fingerprint }
login-confirm-title = ¿Conectar amoCRM con Usedesk?
login-confirm-usedesk = Cuenta de Usedesk
login-confirm-amocrm = Cuenta de amoCRM
login-confirm-consequence = Al conectar, todos los agentes de esta cuenta de Usedesk obtienen acceso de lectura y escritura a la cuenta de amoCRM { $host }: sus contactos, negocios y notas.
login-confirm-warning = Continúe solo si esta es su propia cuenta de Usedesk y ha iniciado este inicio de sesión desde el bloque de amoCRM de un ticket. Si alguien le envió este enlace, cierre esta página.
login-confirm-continue = Continuar a amoCRM
login-confirm-pin-hint = Huella de esta cuenta de Usedesk para las restricciones de inicio de sesión de la configuración del servicio: { $fingerprint }
oauth-success-joined = La cuenta de amoCRM { $host } está ahora conectada a la { $account }.
oauth-success-all-agents = La conexión es para todos los agentes de esta cuenta de Usedesk: cada uno de ellos puede ver y modificar los contactos y negocios de esta cuenta de amoCRM desde el bloque.
oauth-link-spent = Este enlace de inicio de sesión ha caducado o ya se ha usado: actualice el bloque de amoCRM y pulse de nuevo “Iniciar sesión en amoCRM”.
oauth-not-pinned = El administrador de este servicio no ha permitido que la { $account } se conecte a la cuenta de amoCRM { $host }.
oauth-not-pinned-hint = Si esta conexión es intencionada, el administrador añade esta restricción a la configuración del servicio y lo reinicia:
oauth-cross-site = Este inicio de sesión no se confirmó en la página de este servicio. Abra el enlace de inicio de sesión desde el bloque de amoCRM en Usedesk y pulse allí el botón.

## Actions started from the block.

action-token-invalid = Este enlace no es válido o ha caducado. Actualice el bloque e inténtelo de nuevo.
action-token-expired = Este enlace ha caducado. Actualice el bloque e inténtelo de nuevo.
action-done-contact-created = Se ha creado el contacto “{ $name }” en amoCRM.
action-done-deal-created = Se ha creado el negocio “{ $name }” en amoCRM.
action-done-linked = El cliente ahora está vinculado al contacto “{ $name }” de amoCRM.
action-done-unlinked = El cliente ya no está vinculado a ningún contacto de amoCRM.
action-done-comment = Se ha añadido el comentario al negocio.
action-failed = No se pudo completar la acción: { $reason }

## Private comments written to the Usedesk ticket.

usedesk-comment-deal-created = Se creó el negocio “{ $name }” en amoCRM a partir de este ticket: { $url }
usedesk-comment-contact-created = Se creó el contacto “{ $name }” en amoCRM a partir de este ticket: { $url }
amocrm-note-from-ticket = Creado desde el ticket de Usedesk n.º { $ticket } “{ $subject }”: { $url }
amocrm-note-from-ticket-no-subject = Creado desde el ticket de Usedesk n.º { $ticket }: { $url }
amocrm-note-by-agent = Lo creó el agente de Usedesk { $agent }.
amocrm-note-by-trigger = Lo creó un disparador de Usedesk.
amocrm-log-header = Conversación del ticket de Usedesk n.º { $ticket } “{ $subject }”: { $url }
amocrm-log-header-no-subject = Conversación del ticket de Usedesk n.º { $ticket }: { $url }
amocrm-log-by-agent = Registrada por el agente de Usedesk { $agent }.
amocrm-log-empty = El ticket aún no tiene mensajes.
amocrm-log-trimmed = … el resto de la conversación está en el ticket completo: { $url }
amocrm-log-client = { $name } (cliente)
amocrm-log-client-unnamed = Cliente
amocrm-log-agent = { $name } (agente)
amocrm-log-agent-unnamed = Agente
amocrm-log-trigger = Disparador de Usedesk
amocrm-log-other = Usedesk

## Errors of the trigger API (freeCreateLead).

api-error-bad-json = El cuerpo de la solicitud no es un JSON válido o no sigue el formato de freeCreateLead.
api-error-payload-too-large = El cuerpo de la solicitud es demasiado grande.
api-error-unknown-client = Ninguna conexión tiene este amoClientId. Copie el ID de integración de la configuración del bloque de amoCRM.
api-error-needs-login = La conexión no tiene un acceso válido a amoCRM. Inicie sesión en amoCRM desde el bloque en Usedesk.
api-error-ticket-not-found = Usedesk no tiene el ticket { $ticket }.
api-error-validation = Algunos campos del negocio no son válidos.
api-error-upstream-unavailable = amoCRM no está disponible en este momento. Repita la solicitud más tarde.
api-error-conflict = Ya se procesó una solicitud con el mismo Idempotency-Key pero con un cuerpo distinto.
api-error-in-progress = La misma solicitud se está procesando ahora mismo. Repítala en unos segundos.
api-error-rejected = amoCRM rechazó el negocio: { $reason }
api-error-payment-required = La suscripción de amoCRM ha terminado.
api-error-forbidden = El usuario de amoCRM de esta conexión no puede hacer esto.
api-error-usedesk-unavailable = Usedesk no está disponible ahora. Repita la solicitud más tarde.
api-error-usedesk-refused = Usedesk rechazó la solicitud: revise el usedesk_api_token del bloque (abra el bloque en un ticket una vez después de cambiarlo).
api-error-internal = Algo falló de nuestro lado (referencia { $ref }).
api-error-trigger-secret-required = Esta solicitud no lleva secreto del disparador. En la configuración (engranaje) del bloque de amoCRM → Secreto del disparador, cree uno y envíelo en el encabezado X-Trigger-Secret de la solicitud POST del disparador, o añada ?secret=… a su URL.
api-error-trigger-secret-invalid = El secreto del disparador es incorrecto, fue renovado o no es el de este amoClientId. En la configuración (engranaje) del bloque de amoCRM → Secreto del disparador, cree uno nuevo y póngalo en el encabezado X-Trigger-Secret de la solicitud POST del disparador, o en ?secret=… de su URL.

## Preview page.

preview-title = Vista previa del bloque
preview-note = Esta página imita la ficha de ticket de Usedesk.
preview-pick-ticket = Ticket de ejemplo
preview-ticket = Ticket n.º { $id }
preview-client = Cliente
preview-language = Idioma
preview-render = Mostrar el bloque

## Outcomes of actions without a message of their own, and more of the preview page.

action-done-link = El cliente ahora está vinculado al contacto de amoCRM elegido.
action-token-replayed = Este enlace ya se ha utilizado. Actualice el bloque para ver el resultado o para empezar de nuevo.
action-not-found = No se encontró el contacto o el negocio en amoCRM: puede que se haya eliminado. Actualice el bloque.
action-unavailable = amoCRM o Usedesk no respondieron. Inténtelo de nuevo en un minuto.
action-rejected = amoCRM rechazó el cambio: { $reason }
preview-reload = Actualizar el bloque
preview-error = El servicio no respondió. Compruebe que está en funcionamiento e inténtelo de nuevo.
preview-subject = Asunto
preview-simulate = Simular amoCRM
preview-fault-none = Funciona con normalidad (quitar)
preview-fault-down = Caído (500)
preview-fault-busy = Saturado (429)
preview-fault-blocked = Bloqueado (403)
preview-fault-payment = Suscripción finalizada (402)
preview-fault-revoked = Acceso revocado
preview-fault-slow = Lento (3 s)
preview-comments = Comentarios privados

## The trigger secret, shown once after it is created.

trigger-secret-title-created = Secreto del disparador creado
trigger-secret-title-rotated = Secreto del disparador renovado
trigger-secret-once = Cópielo ahora: solo se muestra esta vez. Si se pierde, renuévelo en la configuración (engranaje) del bloque de amoCRM.
trigger-secret-replaced = El secreto anterior ya no funciona. Ponga este en todos los disparadores que lo usaban.
trigger-secret-label = Secreto del disparador
trigger-secret-not-required = Este servidor no exige secretos de disparador en general, pero esta conexión ya tiene uno, así que sus disparadores deben enviarlo.
trigger-secret-how = Cómo ponerlo en el disparador de Usedesk
trigger-secret-step-rule = En Usedesk, abra Configuración → Reglas (disparadores), elija la regla y añada la acción “Solicitud POST”.
trigger-secret-step-url = URL de la solicitud:
trigger-secret-step-header = Encabezados: añada el encabezado { $name } con el secreto como valor. En una línea:
trigger-secret-step-body = Cuerpo (data): el JSON de esta conexión. Añada los campos del negocio que necesite (embudo, etapa, presupuesto, campos personalizados).
trigger-secret-no-headers-title = Si la acción no tiene encabezados
trigger-secret-no-headers = Use en su lugar esta URL: lleva el secreto en sus parámetros. Los proxies pueden registrar las URL, así que es preferible el encabezado.
trigger-secret-try-title = Pruébelo
trigger-secret-try = Este comando crea un negocio real para el ticket n.º { $ticket }; si lo ejecuta de nuevo, devuelve el mismo negocio.
trigger-secret-lost = Cuando cierre esta página, el secreto ya no podrá verse en ningún sitio. Puede crear uno nuevo en el engranaje en cualquier momento; el anterior deja entonces de funcionar.
trigger-sample-deal = Negocio del ticket
trigger-sample-comment = Creado por una regla de Usedesk
button-new-deal-for-contact = Nuevo negocio para este contacto
contact-created-block-hint = El bloque del ticket muestra el contacto cuando lo actualice.

# The gear's connection page.
settings-connection-link = Conexión con amoCRM: cuenta, usuario, desconectar
connection-title = Conexión con amoCRM
connection-account = Cuenta de amoCRM: { $host }
connection-all-agents = Esta conexión sirve a todos los agentes de esta cuenta de Usedesk.
connection-user = Las acciones del bloque aparecen en amoCRM como { $user }.
connection-user-unknown = El usuario de amoCRM con el que aparecen las acciones se registrará en el próximo inicio de sesión.
connection-since = Conectado el { $date }.
connection-needs-login = Sin conexión: un agente debe iniciar sesión en amoCRM desde el bloque.
connection-webhooks-on = amoCRM avisa aquí de sus cambios al momento (webhook desde el { $date }).
connection-webhooks-off = amoCRM no avisa aquí de sus cambios (sin webhook): el bloque actualiza sus datos cada pocos segundos.
connection-stage-comments-on = Cuando un negocio creado desde un ticket cambia de etapa, un comentario privado lo indica en ese ticket.
connection-stage-comments-off = Los cambios de etapa de los negocios no se comentan en los tickets.
connection-stage-comments-turn-off = Dejar de comentar los cambios de etapa
connection-stage-comments-turn-on = Comentar los cambios de etapa en los tickets
connection-reconnect = Volver a conectar como otro usuario de amoCRM
connection-reconnect-hint = Inicie sesión en amoCRM con el usuario con el que deben aparecer las acciones; el Integration ID no cambia.
connection-disconnect-title = Desconectar
connection-disconnect-explain = Al desconectar se borran los tokens guardados de amoCRM y Usedesk y se elimina el webhook de amoCRM. Después, el bloque de todos los agentes pedirá iniciar sesión.
connection-keep-settings = Conservar los vínculos de contactos y la selección de campos para el próximo inicio de sesión
connection-keep-settings-hint = Si lo desmarca, también se borran.
connection-disconnect = Desconectar
connection-disconnected = Desconectado: se borraron los tokens guardados.
connection-disconnected-kept = Se conservaron los vínculos de contactos y la selección de campos.
connection-disconnected-forgotten = Se borraron los vínculos de contactos y la selección de campos.

contact-created-company-linked = El contacto está vinculado a la empresa “{ $name }”.
contact-created-company-created = Se creó la empresa “{ $name }” y se vinculó el contacto a ella.
contact-created-company-not-created = No se pudo crear la empresa “{ $name }”: el contacto se creó sin empresa. Añada la empresa al contacto en amoCRM.
contact-created-company-not-linked = No se pudo vincular el contacto a la empresa “{ $name }”: ambos existen, pero sin vincular. Vincúlelos en amoCRM.
contact-created-company-created-not-linked = Se creó la empresa “{ $name }”, pero no se pudo vincular el contacto a ella: ambos existen, sin vincular. Vincúlelos en amoCRM.
contact-created-company-open = Abrir la empresa en amoCRM
