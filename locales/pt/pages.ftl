# Standalone pages that open in a new tab (login, actions), texts written
# to Usedesk, errors of the trigger API, and the preview page.

## Page chrome.

page-title = amoCRM para Usedesk
page-success-title = Pronto
page-failure-title = Algo deu errado
page-close-tab = Você já pode fechar esta aba.

## Login to amoCRM.

oauth-success = Você autorizou com sucesso!
oauth-success-hint = Feche esta aba e atualize o bloco amoCRM no Usedesk.
oauth-denied = Você não permitiu o acesso ao amoCRM. Para conectar o bloco, faça login novamente e clique em “Permitir”.
oauth-bad-state = Este link de login é inválido ou expirou. Inicie o login novamente a partir do bloco amoCRM no Usedesk.
oauth-host-mismatch = Você autorizou a conta amoCRM { $actual }, mas o bloco está configurado para { $expected }. Faça login em { $expected } e tente novamente.
oauth-exchange-failed = O amoCRM não confirmou a autorização. Tente fazer login novamente em alguns minutos.
usedesk-account-named = conta do Usedesk dos agentes { $domains } ({ $count ->
        [one] { $count } agente
       *[other] { $count } agentes
    }), #{ $fingerprint }
usedesk-account-unnamed = conta do Usedesk #{ $fingerprint }
usedesk-account-short-named = agentes { $domains }, { $count ->
        [one] { $count } agente
       *[other] { $count } agentes
    }, #{ $fingerprint }
usedesk-account-short-unnamed = conta #{ $fingerprint }
login-confirm-title = Conectar o amoCRM ao Usedesk?
login-confirm-usedesk = Conta do Usedesk
login-confirm-amocrm = Conta do amoCRM
login-confirm-consequence = Ao conectar, todos os agentes desta conta do Usedesk passam a ter acesso de leitura e escrita à conta do amoCRM { $host }: seus contatos, negócios e notas.
login-confirm-warning = Continue somente se esta for a sua própria conta do Usedesk e você tiver iniciado este login pelo bloco do amoCRM de um ticket. Se alguém lhe enviou este link, feche esta página.
login-confirm-continue = Continuar para o amoCRM
login-confirm-pin-hint = Impressão digital desta conta do Usedesk para as restrições de login da configuração do serviço: { $fingerprint }
oauth-success-joined = A conta do amoCRM { $host } agora está conectada à { $account }.
oauth-success-all-agents = A conexão vale para todos os agentes desta conta do Usedesk: cada um deles pode ver e alterar os contatos e negócios desta conta do amoCRM pelo bloco.
oauth-link-spent = Este link de login expirou ou já foi usado — atualize o bloco do amoCRM e clique novamente em “Entrar no amoCRM”.
oauth-not-pinned = O administrador deste serviço não permitiu que a { $account } se conecte à conta do amoCRM { $host }.
oauth-not-pinned-hint = Se esta conexão for intencional, o administrador adiciona esta restrição à configuração do serviço e o reinicia:
oauth-cross-site = Este login não foi confirmado na página deste serviço. Abra o link de login pelo bloco do amoCRM no Usedesk e clique no botão de lá.

## Actions started from the block.

action-token-invalid = Este link é inválido ou expirou. Atualize o bloco e tente novamente.
action-token-expired = Este link expirou. Atualize o bloco e tente novamente.
action-done-contact-created = O contato “{ $name }” foi criado no amoCRM.
action-done-deal-created = O negócio “{ $name }” foi criado no amoCRM.
action-done-linked = O cliente agora está vinculado ao contato “{ $name }” do amoCRM.
action-done-unlinked = O cliente não está mais vinculado a um contato do amoCRM.
action-done-comment = O comentário foi adicionado ao negócio.
action-failed = Não foi possível concluir a ação: { $reason }

## Private comments written to the Usedesk ticket.

usedesk-comment-deal-created = O negócio “{ $name }” foi criado no amoCRM a partir deste ticket: { $url }
usedesk-comment-contact-created = O contato “{ $name }” foi criado no amoCRM a partir deste ticket: { $url }
amocrm-note-from-ticket = Criado a partir do ticket nº { $ticket } do Usedesk “{ $subject }”: { $url }
amocrm-note-from-ticket-no-subject = Criado a partir do ticket nº { $ticket } do Usedesk: { $url }
amocrm-note-by-agent = Criado pelo agente do Usedesk { $agent }.
amocrm-note-by-trigger = Criado por um gatilho do Usedesk.
amocrm-log-header = Conversa do ticket nº { $ticket } do Usedesk “{ $subject }”: { $url }
amocrm-log-header-no-subject = Conversa do ticket nº { $ticket } do Usedesk: { $url }
amocrm-log-by-agent = Registrada pelo agente do Usedesk { $agent }.
amocrm-log-empty = O ticket ainda não tem mensagens.
amocrm-log-trimmed = … o restante da conversa está no ticket completo: { $url }
amocrm-log-client = { $name } (cliente)
amocrm-log-client-unnamed = Cliente
amocrm-log-agent = { $name } (agente)
amocrm-log-agent-unnamed = Agente
amocrm-log-trigger = Gatilho do Usedesk
amocrm-log-other = Usedesk

## Errors of the trigger API (freeCreateLead).

api-error-bad-json = O corpo da solicitação não é um JSON válido ou não segue o formato do freeCreateLead.
api-error-payload-too-large = O corpo da solicitação é grande demais.
api-error-unknown-client = Nenhuma conexão tem este amoClientId. Copie o ID da integração das configurações do bloco amoCRM.
api-error-needs-login = A conexão não tem acesso válido ao amoCRM. Faça login no amoCRM a partir do bloco no Usedesk.
api-error-ticket-not-found = O Usedesk não tem o ticket { $ticket }.
api-error-validation = Alguns campos do negócio são inválidos.
api-error-upstream-unavailable = O amoCRM está indisponível no momento. Repita a solicitação mais tarde.
api-error-conflict = Uma solicitação com o mesmo Idempotency-Key, mas com outro corpo, já foi processada.
api-error-in-progress = A mesma solicitação está sendo processada agora. Repita em alguns segundos.
api-error-rejected = O amoCRM recusou o negócio: { $reason }
api-error-payment-required = A assinatura do amoCRM terminou.
api-error-forbidden = O usuário do amoCRM desta conexão não pode fazer isso.
api-error-usedesk-unavailable = O Usedesk está indisponível agora. Repita a solicitação mais tarde.
api-error-usedesk-refused = O Usedesk recusou a solicitação: verifique o usedesk_api_token do bloco (abra o bloco em um ticket uma vez depois de alterá-lo).
api-error-internal = Algo deu errado do nosso lado (referência { $ref }).
api-error-trigger-secret-required = Esta solicitação não traz o segredo do gatilho. Nas configurações (engrenagem) do bloco amoCRM → Segredo do gatilho, crie um e envie-o no cabeçalho X-Trigger-Secret da solicitação POST do gatilho, ou adicione ?secret=… à URL dele.
api-error-trigger-secret-invalid = O segredo do gatilho está errado, foi trocado ou não é o deste amoClientId. Nas configurações (engrenagem) do bloco amoCRM → Segredo do gatilho, crie um novo e coloque-o no cabeçalho X-Trigger-Secret da solicitação POST do gatilho, ou em ?secret=… da URL dele.

## Preview page.

preview-title = Pré-visualização do bloco
preview-note = Esta página imita o cartão de ticket do Usedesk.
preview-pick-ticket = Ticket de exemplo
preview-ticket = Ticket nº { $id }
preview-client = Cliente
preview-language = Idioma
preview-render = Mostrar o bloco

## Outcomes of actions without a message of their own, and more of the preview page.

action-done-link = O cliente agora está vinculado ao contato do amoCRM escolhido.
action-token-replayed = Este link já foi usado. Atualize o bloco para ver o resultado ou para começar de novo.
action-not-found = O contato ou negócio não foi encontrado no amoCRM: talvez tenha sido excluído. Atualize o bloco.
action-unavailable = O amoCRM ou o Usedesk não responderam. Tente novamente em um minuto.
action-rejected = O amoCRM recusou a alteração: { $reason }
preview-reload = Atualizar o bloco
preview-error = O serviço não respondeu. Verifique se ele está em execução e tente novamente.
preview-subject = Assunto
preview-simulate = Simular amoCRM
preview-fault-none = Funcionando normalmente (limpar)
preview-fault-down = Fora do ar (500)
preview-fault-busy = Sobrecarregado (429)
preview-fault-blocked = Bloqueado (403)
preview-fault-payment = Assinatura encerrada (402)
preview-fault-revoked = Acesso revogado
preview-fault-slow = Lento (3 s)
preview-comments = Comentários privados

## The trigger secret, shown once after it is created.

trigger-secret-title-created = Segredo do gatilho criado
trigger-secret-title-rotated = Segredo do gatilho trocado
trigger-secret-once = Copie-o agora: ele é mostrado só desta vez. Se ele se perder, troque-o nas configurações (engrenagem) do bloco amoCRM.
trigger-secret-replaced = O segredo anterior não funciona mais. Coloque este em todos os gatilhos que o usavam.
trigger-secret-label = Segredo do gatilho
trigger-secret-not-required = Este servidor não exige segredos de gatilho em geral, mas esta conexão agora tem um, então os gatilhos dela precisam enviá-lo.
trigger-secret-how = Como colocá-lo no gatilho do Usedesk
trigger-secret-step-rule = No Usedesk, abra Configurações → Regras (gatilhos), escolha a regra e adicione a ação “Consulta POST”.
trigger-secret-step-url = URL da solicitação:
trigger-secret-step-header = Cabeçalhos: adicione o cabeçalho { $name } com o segredo como valor. Em uma linha:
trigger-secret-step-body = Corpo (data): o JSON desta conexão. Adicione os campos do negócio de que precisar (funil, etapa, orçamento, campos personalizados).
trigger-secret-no-headers-title = Se a ação não tiver cabeçalhos
trigger-secret-no-headers = Use esta URL no lugar: ela leva o segredo nos parâmetros. Proxies podem registrar URLs, então prefira o cabeçalho.
trigger-secret-try-title = Experimente
trigger-secret-try = Este comando cria um negócio de verdade para o ticket nº { $ticket }; executá-lo de novo devolve o mesmo negócio.
trigger-secret-lost = Depois que esta página for fechada, o segredo não poderá ser visto em lugar nenhum. Um novo pode ser criado na engrenagem a qualquer momento; o antigo então para de funcionar.
trigger-sample-deal = Negócio do ticket
trigger-sample-comment = Criado por uma regra do Usedesk
button-new-deal-for-contact = Novo negócio para este contato
contact-created-block-hint = O bloco do ticket mostra o contato quando você o atualizar.

# The gear's connection page.
settings-connection-link = Conexão com o amoCRM: conta, usuário, desconectar
connection-title = Conexão com o amoCRM
connection-account = Conta do amoCRM: { $host }
connection-all-agents = Esta conexão atende todos os agentes desta conta do Usedesk.
connection-user = As ações do bloco aparecem no amoCRM como { $user }.
connection-user-unknown = O usuário do amoCRM em nome de quem as ações aparecem será registrado no próximo login.
connection-since = Conectado em { $date }.
connection-needs-login = Não conectado: um agente precisa entrar no amoCRM pelo bloco.
connection-webhooks-on = O amoCRM informa aqui suas mudanças na hora (webhook desde { $date }).
connection-webhooks-off = O amoCRM não informa aqui suas mudanças (sem webhook): o bloco atualiza os dados a cada poucos segundos.
connection-stage-comments-on = Quando um negócio criado a partir de um ticket muda de etapa, um comentário privado informa isso nesse ticket.
connection-stage-comments-off = As mudanças de etapa dos negócios não são comentadas nos tickets.
connection-stage-comments-turn-off = Parar de comentar as mudanças de etapa
connection-stage-comments-turn-on = Comentar as mudanças de etapa nos tickets
connection-reconnect = Reconectar como outro usuário do amoCRM
connection-reconnect-hint = Entre no amoCRM com o usuário em nome de quem as ações devem aparecer; o Integration ID não muda.
connection-disconnect-title = Desconectar
connection-disconnect-explain = Ao desconectar, os tokens salvos do amoCRM e do Usedesk são apagados e o webhook do amoCRM é removido. Depois, o bloco de todos os agentes pedirá login.
connection-keep-settings = Manter os vínculos de contatos e a escolha de campos para o próximo login
connection-keep-settings-hint = Se desmarcado, eles também são apagados.
connection-disconnect = Desconectar
connection-disconnected = Desconectado: os tokens salvos foram apagados.
connection-disconnected-kept = Os vínculos de contatos e a escolha de campos foram mantidos.
connection-disconnected-forgotten = Os vínculos de contatos e a escolha de campos foram apagados.

contact-created-company-linked = O contato está vinculado à empresa “{ $name }”.
contact-created-company-created = A empresa “{ $name }” foi criada e o contato foi vinculado a ela.
contact-created-company-not-created = Não foi possível criar a empresa “{ $name }”: o contato foi criado sem empresa. Adicione a empresa ao contato no amoCRM.
contact-created-company-not-linked = Não foi possível vincular o contato à empresa “{ $name }”: ambos existem, mas sem vínculo. Vincule-os no amoCRM.
contact-created-company-created-not-linked = A empresa “{ $name }” foi criada, mas não foi possível vincular o contato a ela: ambos existem, sem vínculo. Vincule-os no amoCRM.
contact-created-company-open = Abrir a empresa no amoCRM
