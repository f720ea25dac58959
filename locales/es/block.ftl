# The amoCRM block inside the Usedesk ticket card: chrome, setup problems,
# login, contacts, deals and the degraded states.

## Block title and chrome.

block-title = amoCRM
block-refresh-hint = Actualice el bloque para ver los cambios.
block-open-in-amocrm = Abrir en amoCRM
block-settings = Configuración
block-back = Volver
block-loading = Cargando…

## The block is not configured yet.

state-missing-host = El bloque aún no está configurado: en la configuración del bloque en Usedesk, añada el parámetro POST amo_base_host con la dirección de su cuenta de amoCRM (por ejemplo, https://example.amocrm.com/).
state-refused-host = { $host } no es una dirección de amoCRM ni de Kommo. Revise el parámetro amo_base_host en la configuración del bloque.
state-oauth-not-configured = La integración con amoCRM aún no está configurada en el servidor (falta el ID de la integración, la clave secreta o la dirección de redirección). Póngase en contacto con su administrador.
state-bad-secret = La solicitud fue rechazada: la clave secreta del bloque no coincide con la configurada en el servidor. Pida a su administrador que revise la configuración del bloque.
state-missing-token = En la configuración del bloque en Usedesk, añada el parámetro POST usedesk_api_token: identifica su cuenta de Usedesk.
state-bad-usedesk-token = Usedesk no aceptó el usedesk_api_token de la configuración del bloque. Revise el token de su canal de API.

## Login.

state-needs-login = Inicie sesión en amoCRM para ver los contactos y negocios de este cliente.
login-all-agents = Al conectar amoCRM, queda conectado para todos los agentes de esta cuenta de Usedesk, no solo para usted.
login-acts-as = Lo que los agentes hagan desde el bloque aparecerá en amoCRM a nombre del usuario de amoCRM que inicie sesión.
state-login-expired = El acceso a amoCRM ha caducado o ha sido revocado. Vuelva a iniciar sesión en amoCRM.
block-notice-other-account = Otra cuenta de Usedesk ({ $account }) se conectó a esta cuenta de amoCRM a las { $time }. Sus agentes ahora pueden ver y modificar los contactos y negocios de esta cuenta. Si no la reconoce, revoque el acceso de la integración en amoCRM.
button-login = Iniciar sesión en amoCRM

## Contacts.

state-no-contact = Aún no hay datos sobre este cliente en amoCRM.
state-no-contact-hint = Añada el cliente a amoCRM: el nombre, los teléfonos y los correos electrónicos del ticket se rellenan automáticamente.
button-add-to-amocrm = Añadir a amoCRM
contacts-found =
    { $count ->
        [0] No se encontraron contactos
        [one] Se encontró { $count } contacto
       *[other] Se encontraron { $count } contactos
    }
contact-linked = Vinculado a este cliente
contact-link-hint = Vincule uno de los contactos a este cliente para ver solo ese contacto a partir de ahora.
button-link = Vincular
button-unlink = Desvincular
contact-phones = Teléfonos
contact-emails = Correos electrónicos
contact-responsible = Responsable
contact-no-identifiers = El ticket no tiene ni teléfono ni correo electrónico del cliente, así que no hay con qué buscarlo en amoCRM.
contact-search-hint = Los contactos se buscan por los teléfonos y correos electrónicos del cliente que figuran en el ticket.
contact-unnamed = Contacto sin nombre
contact-show-deals = Ver negocios

## Deals.

deals-title = Negocios
deals-none = Aún no hay negocios
deals-open-budget = Negocios abiertos: { $amount }
deals-show-all =
    { $count ->
        [one] Mostrar el { $count } negocio abierto
       *[other] Mostrar los { $count } negocios abiertos
    }
deals-closed =
    { $count ->
        [one] { $count } negocio cerrado
       *[other] { $count } negocios cerrados
    }
deals-count =
    { $count ->
        [0] Ningún negocio
        [one] { $count } negocio
       *[other] { $count } negocios
    }
deals-of-contact = Negocios de { $name }
deal-status-open = En curso
deal-status-won = Ganado
deal-status-lost = Perdido
deal-price = Presupuesto
deal-pipeline = Embudo
deal-stage = Etapa
deal-responsible = Responsable
deal-created = Creado
button-new-deal = Nuevo negocio
button-open-deal = Abrir negocio

## Degraded states: amoCRM is slow, busy, blocked or failing.

state-stale = amoCRM no responde; se muestran los datos guardados ({ $time }).
state-busy = amoCRM está saturado: recibe demasiadas solicitudes. Actualice el bloque en un minuto.
state-busy-until = amoCRM está saturado: recibe demasiadas solicitudes. Se reintentará a las { $until }.
state-queued = Hay muchas solicitudes en cola aquí para esta cuenta de amoCRM. Los datos llegarán en { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }.
state-blocked = amoCRM ha pausado esta integración durante unos minutos por exceso de solicitudes. Actualice el bloque más tarde; si dura más de una hora, avise a su administrador.
state-blocked-until = amoCRM ha pausado esta integración por exceso de solicitudes. En pausa hasta las { $until }: actualice el bloque después.
state-payment-required = La suscripción de amoCRM ha finalizado: avise a su administrador. Los datos volverán cuando se renueve la suscripción en amoCRM.
state-preparing = Los datos de este cliente se están obteniendo de amoCRM y estarán listos en unos { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }. El bloque se recargará solo; si no lo hace, recárguelo.
state-upstream-error = amoCRM respondió con un error. Intente actualizar el bloque un poco más tarde.
state-timeout = amoCRM tardó demasiado en responder. Intente actualizar el bloque.
state-internal-error = Algo salió mal por nuestra parte. Si vuelve a ocurrir, facilite a su administrador este código: { $ref }.

## The block's layout: setup details, badges, stale data and references.

setup-needed = Falta configurar el bloque
setup-missing-host = En la configuración del bloque en Usedesk, añada este parámetro POST con la dirección de su cuenta de amoCRM:
setup-missing-token = En la configuración del bloque en Usedesk, añada este parámetro POST con la clave secreta de su canal de API de Usedesk:
setup-allowed-hosts = Solo se admiten direcciones de cuentas de amoCRM y Kommo, por ejemplo:
setup-oauth-hint = El administrador define el ID de cliente, el secreto de cliente y la URI de redirección de la integración de amoCRM en la configuración del servicio.
setup-bad-secret-hint = La clave secreta de la configuración del bloque dinámico en Usedesk debe coincidir con la de la configuración del servicio.
contact-linked-badge = Vinculado
contact-matched-by = Encontrado por: { $ids }
contact-searched-by = Búsqueda por: { $ids }
contact-not-searched =
    { $count ->
        [one] No se buscó { $count } teléfono o e-mail más del cliente (se buscan como máximo 5 teléfonos y 5 e-mails).
       *[other] No se buscaron { $count } teléfonos o e-mails más del cliente (se buscan como máximo 5 teléfonos y 5 e-mails).
    }
contact-open-in-amocrm = Abrir el contacto en amoCRM
deal-open-in-amocrm = Abrir el negocio en amoCRM
deal-open-card = Abrir la ficha del negocio
deal-updated = Actualizado
user-by-id = Usuario #{ $id }
state-stale-busy = amoCRM está saturado; se muestran los datos guardados ({ $time }).
state-stale-busy-until = amoCRM está saturado, se reintentará a las { $until }; se muestran los datos guardados ({ $time }).
state-stale-queued = Hay muchas solicitudes en cola aquí para esta cuenta de amoCRM; datos nuevos en { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }. Se muestran los datos guardados ({ $time }).
state-stale-blocked = amoCRM ha pausado esta integración durante unos minutos; se muestran los datos guardados ({ $time }).
state-stale-blocked-until = amoCRM ha pausado esta integración hasta las { $until }; se muestran los datos guardados ({ $time }).
state-stale-payment = La suscripción de amoCRM ha finalizado (avise a su administrador); se muestran los datos guardados ({ $time }).
state-stale-preparing = Se están obteniendo datos nuevos de amoCRM, listos en unos { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }. Se muestran los datos guardados ({ $time }).
block-reference = Referencia: { $ref }
block-new-badge = Nuevo
block-writes-paused = amoCRM no acepta cambios en este momento, así que añadir, vincular y comentar están desactivados. “Abrir en amoCRM” sigue funcionando.
button-add-edit-first = Editar antes de añadir
block-admin-reference = Para su administrador: referencia { $ref }

deal-change = Cambiar
deal-changed = El negocio se ha cambiado.
deal-edit-title = Cambiar el negocio “{ $name }”
deal-edit-won = Cerrado — ganado
deal-edit-lost = Cerrado — perdido
deal-edit-close = Cerrar el negocio
deal-edit-current = Etapa actual
deal-edit-back = Volver al negocio

company-deals-of = Negocios de { $name }
company-deals-more =
    { $count ->
        [one] { $count } más
       *[other] { $count } más
    }
deal-move = Mover
deal-move-label = Mover a la etapa
deal-move-needs = Esta etapa requiere: { $fields }.
deal-move-fill = Completar y mover en la página de edición
