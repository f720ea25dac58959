# The amoCRM block inside the Usedesk ticket card: chrome, setup problems,
# login, contacts, deals and the degraded states.

## Block title and chrome.

block-title = amoCRM
block-refresh-hint = Atualize o bloco para ver as alterações.
block-open-in-amocrm = Abrir no amoCRM
block-settings = Configurações
block-back = Voltar
block-loading = Carregando…

## The block is not configured yet.

state-missing-host = O bloco ainda não está configurado: nas configurações do bloco no Usedesk, adicione o parâmetro POST amo_base_host com o endereço da sua conta amoCRM (por exemplo, https://example.amocrm.com/).
state-refused-host = { $host } não é um endereço do amoCRM nem do Kommo. Verifique o parâmetro amo_base_host nas configurações do bloco.
state-oauth-not-configured = A integração com o amoCRM ainda não está configurada no servidor (falta o ID da integração, a chave secreta ou o endereço de redirecionamento). Entre em contato com o administrador.
state-bad-secret = A solicitação foi recusada: a chave secreta do bloco não corresponde à configurada no servidor. Peça ao administrador para verificar as configurações do bloco.
state-missing-token = Nas configurações do bloco no Usedesk, adicione o parâmetro POST usedesk_api_token: ele identifica sua conta Usedesk.
state-bad-usedesk-token = O Usedesk não aceitou o usedesk_api_token das configurações do bloco. Verifique o token do seu canal de API.

## Login.

state-needs-login = Faça login no amoCRM para ver os contatos e negócios deste cliente.
login-all-agents = Conectar o amoCRM o conecta para todos os agentes desta conta do Usedesk, não só para você.
login-acts-as = O que os agentes fizerem pelo bloco aparecerá no amoCRM em nome do usuário do amoCRM que fizer o login.
state-login-expired = O acesso ao amoCRM expirou ou foi revogado. Faça login no amoCRM novamente.
block-notice-other-account = Outra conta do Usedesk ({ $account }) se conectou a esta conta do amoCRM às { $time }. Os agentes dela agora podem ver e alterar os contatos e negócios desta conta. Se você não a reconhece, revogue o acesso da integração no amoCRM.
button-login = Entrar no amoCRM

## Contacts.

state-no-contact = Ainda não há dados sobre este cliente no amoCRM.
state-no-contact-hint = Adicione o cliente ao amoCRM: o nome, os telefones e os e-mails do ticket são preenchidos automaticamente.
button-add-to-amocrm = Adicionar ao amoCRM
contacts-found =
    { $count ->
        [0] Nenhum contato encontrado
        [one] { $count } contato encontrado
       *[other] { $count } contatos encontrados
    }
contact-linked = Vinculado a este cliente
contact-link-hint = Vincule um dos contatos a este cliente para ver somente esse contato daqui em diante.
button-link = Vincular
button-unlink = Desvincular
contact-phones = Telefones
contact-emails = E-mails
contact-responsible = Responsável
contact-no-identifiers = O ticket não tem telefone nem e-mail do cliente, então não há como procurá-lo no amoCRM.
contact-search-hint = Os contatos são procurados pelos telefones e e-mails do cliente informados no ticket.
contact-unnamed = Contato sem nome
contact-show-deals = Mostrar negócios

## Deals.

deals-title = Negócios
deals-none = Ainda não há negócios
deals-open-budget = Negócios abertos: { $amount }
deals-show-all =
    { $count ->
        [one] Mostrar o { $count } negócio aberto
       *[other] Mostrar todos os { $count } negócios abertos
    }
deals-closed =
    { $count ->
        [one] { $count } negócio fechado
       *[other] { $count } negócios fechados
    }
deals-count =
    { $count ->
        [0] Nenhum negócio
        [one] { $count } negócio
       *[other] { $count } negócios
    }
deals-of-contact = Negócios de { $name }
deal-status-open = Em andamento
deal-status-won = Ganho
deal-status-lost = Perdido
deal-price = Orçamento
deal-pipeline = Funil
deal-stage = Etapa
deal-responsible = Responsável
deal-created = Criado em
button-new-deal = Novo negócio
button-open-deal = Abrir negócio

## Degraded states: amoCRM is slow, busy, blocked or failing.

state-stale = O amoCRM não está respondendo; exibindo os dados salvos ({ $time }).
state-busy = O amoCRM está sobrecarregado: recebe solicitações demais. Atualize o bloco em um minuto.
state-busy-until = O amoCRM está sobrecarregado: recebe solicitações demais. Nova tentativa às { $until }.
state-queued = Há muitas solicitações na fila aqui para esta conta do amoCRM. Os dados chegarão em { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }.
state-blocked = O amoCRM pausou esta integração por alguns minutos depois de solicitações demais. Atualize o bloco mais tarde; se durar mais de uma hora, avise o seu administrador.
state-blocked-until = O amoCRM pausou esta integração depois de solicitações demais. Pausada até { $until }: atualize o bloco depois disso.
state-payment-required = A assinatura do amoCRM terminou: avise o seu administrador. Os dados voltam quando a assinatura for renovada no amoCRM.
state-preparing = Os dados deste cliente estão sendo obtidos do amoCRM e ficarão prontos em cerca de { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }. O bloco será recarregado automaticamente; se isso não acontecer, recarregue-o.
state-upstream-error = O amoCRM respondeu com um erro. Tente atualizar o bloco daqui a pouco.
state-timeout = O amoCRM demorou demais para responder. Tente atualizar o bloco.
state-internal-error = Algo deu errado do nosso lado. Se acontecer de novo, informe ao administrador este código: { $ref }.

## The block's layout: setup details, badges, stale data and references.

setup-needed = Configuração necessária
setup-missing-host = Nas configurações do bloco no Usedesk, adicione este parâmetro POST com o endereço da sua conta amoCRM:
setup-missing-token = Nas configurações do bloco no Usedesk, adicione este parâmetro POST com a chave secreta do seu canal de API do Usedesk:
setup-allowed-hosts = Somente endereços de contas amoCRM e Kommo são permitidos, por exemplo:
setup-oauth-hint = O administrador define o ID do cliente, o segredo do cliente e a URI de redirecionamento da integração amoCRM na configuração do serviço.
setup-bad-secret-hint = A chave secreta nas configurações do bloco dinâmico no Usedesk deve ser igual à da configuração do serviço.
contact-linked-badge = Vinculado
contact-matched-by = Encontrado por: { $ids }
contact-searched-by = Busca por: { $ids }
contact-not-searched =
    { $count ->
        [one] Mais { $count } telefone ou e-mail do cliente não foi buscado (buscam-se no máximo 5 telefones e 5 e-mails).
       *[other] Mais { $count } telefones ou e-mails do cliente não foram buscados (buscam-se no máximo 5 telefones e 5 e-mails).
    }
contact-open-in-amocrm = Abrir o contato no amoCRM
deal-open-in-amocrm = Abrir o negócio no amoCRM
deal-open-card = Abrir o cartão do negócio
deal-updated = Atualizado
user-by-id = Usuário #{ $id }
state-stale-busy = O amoCRM está sobrecarregado; exibindo os dados salvos ({ $time }).
state-stale-busy-until = O amoCRM está sobrecarregado, nova tentativa às { $until }; exibindo os dados salvos ({ $time }).
state-stale-queued = Há muitas solicitações na fila aqui para esta conta do amoCRM; dados novos em { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }. Exibindo os dados salvos ({ $time }).
state-stale-blocked = O amoCRM pausou esta integração por alguns minutos; exibindo os dados salvos ({ $time }).
state-stale-blocked-until = O amoCRM pausou esta integração até { $until }; exibindo os dados salvos ({ $time }).
state-stale-payment = A assinatura do amoCRM terminou (avise o seu administrador); exibindo os dados salvos ({ $time }).
state-stale-preparing = Dados novos estão sendo obtidos do amoCRM e ficarão prontos em cerca de { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }. Exibindo os dados salvos ({ $time }).
block-reference = Referência: { $ref }
block-new-badge = Novo
block-writes-paused = O amoCRM não está aceitando alterações agora, por isso adicionar, vincular e comentar estão desativados. “Abrir no amoCRM” continua funcionando.
button-add-edit-first = Editar antes de adicionar
block-admin-reference = Para o seu administrador: referência { $ref }

deal-change = Alterar
deal-changed = O negócio foi alterado.
deal-edit-title = Alterar o negócio “{ $name }”
deal-edit-won = Fechado — ganho
deal-edit-lost = Fechado — perdido
deal-edit-close = Fechar o negócio
deal-edit-current = Etapa atual
deal-edit-back = Voltar ao negócio

company-deals-of = Negócios de { $name }
company-deals-more =
    { $count ->
        [one] mais { $count }
       *[other] mais { $count }
    }
deal-move = Mover
deal-move-label = Mover para a etapa
deal-move-needs = Esta etapa exige: { $fields }.
deal-move-fill = Preencher e mover na página de edição
