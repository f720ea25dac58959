# Forms in the block (new contact, new deal), their validation messages,
# and the gear settings.

## New contact.

form-contact-title = Novo contato no amoCRM
form-name = Nome completo
form-first-name = Nome
form-last-name = Sobrenome
form-phone = Telefone
form-email = E-mail
form-submit-create-contact = Criar contato

## New deal.

form-deal-title = Novo negócio
form-deal-name = Nome do negócio
form-price = Orçamento
form-pipeline-stage = Funil e etapa
form-responsible = Responsável
form-comment = Nota para o negócio
form-required-for-stage = Obrigatório na etapa “{ $stage }”
form-required = Obrigatório
form-optional = opcional
form-submit-create-deal = Criar negócio
form-cancel = Cancelar
form-select-placeholder = Selecione…
form-multiselect-hint = Mantenha Ctrl (⌘ no Mac) pressionado para escolher vários valores.
form-yes = Sim
form-no = Não

## Validation.

form-errors-title =
    { $count ->
        [one] Há { $count } erro no formulário
       *[other] Há { $count } erros no formulário
    }
form-missing-required =
    { $count ->
        [one] { $count } campo obrigatório não foi preenchido
       *[other] { $count } campos obrigatórios não foram preenchidos
    }
error-field-required = Preencha “{ $field }”.
error-field-number = “{ $field }” deve ser um número, como 12 500 ou 1 500,50.
error-field-enum = Escolha um valor da lista para “{ $field }”.
error-field-date = “{ $field }” deve ser uma data.
error-field-url = “{ $field }” deve ser um endereço web que comece com http:// ou https://.
error-field-email = “{ $field }” deve ser um endereço de e-mail.
error-field-checkbox = Uma caixa de seleção só pode estar marcada ou desmarcada.
error-field-too-long =
    “{ $field }” é longo demais: no máximo { $max } { $max ->
        [one] caractere
       *[other] caracteres
    }.
error-comment-empty = Escreva o comentário primeiro.

## Gear: block settings.

settings-title = Configurações do bloco
settings-account = Conta amoCRM: { $host }
settings-list-fields = Campos na lista de negócios
settings-card-fields = Campos no cartão do negócio
settings-no-fields = Esta conta amoCRM não tem campos personalizados de negócios.
settings-integration-id = ID da integração (amoClientId) para gatilhos
settings-integration-id-hint = Use este ID como “amoClientId” na solicitação POST de um gatilho do Usedesk que chama /api/freeCreateLead, junto com o segredo do gatilho abaixo.
settings-save = Salvar
settings-saved = Configurações salvas. Atualize o bloco para ver as alterações.
settings-trigger-secret = Segredo do gatilho
settings-trigger-secret-set = Esta conexão tem um segredo do gatilho. Só o hash dele é guardado, por isso ele não pode ser mostrado de novo.
settings-trigger-secret-created = Criado em { $date }.
settings-trigger-secret-none = Ainda não há segredo do gatilho: todos os gatilhos desta conexão são recusados até você criar um.
settings-trigger-secret-none-optional = Ainda não há segredo do gatilho. Este servidor não o exige, então qualquer pessoa que conheça o ID da integração pode criar negócios e contatos e escrever comentários nos tickets. Crie um segredo para exigi-lo nesta conexão.
settings-trigger-secret-hint = Os gatilhos do Usedesk devem enviá-lo em cada chamada a /api/freeCreateLead. Ele é mostrado uma única vez, logo depois de criado.
settings-trigger-secret-rotate-hint = Ao trocá-lo, o segredo atual para de funcionar na hora: coloque o novo em todos os gatilhos que usam este ID da integração.
settings-trigger-secret-create = Criar segredo do gatilho
settings-trigger-secret-rotate = Trocar segredo do gatilho

## Form layout: stage reload, more field errors and settings hints.

form-show-required = Mostrar campos obrigatórios
form-price-currency = Orçamento, { $currency }
form-required-hint = Os campos marcados com * são obrigatórios na etapa escolhida.
form-empty-lines-hint = Linhas vazias são ignoradas.
error-field-phone = “{ $field }” não é um número de telefone.
error-field-unknown = O campo “{ $field }” não pode ser preenchido aqui.
error-stage-not-in-pipeline = Escolha uma etapa do funil na lista.
comment-label = Comentário
settings-choose-hint = Marque os campos que devem ser exibidos.
settings-card-default = Enquanto nada estiver marcado aqui, o cartão do negócio mostra todos os campos preenchidos.
form-stage-in-pipeline = { $pipeline } → { $stage }
form-stage-needs = { $stage } · exige { $fields }
form-required-at = Obrigatório em: { $stages }
form-more-fields = Mais campos
settings-trigger-title = Criar negócios a partir de um gatilho do Usedesk
settings-trigger-intro = No Usedesk, abra Configurações → Regras (gatilhos), escolha a regra e adicione a ação “Consulta POST” com estes valores. Insira { $variable } pelo seletor de variáveis, para que o Usedesk coloque o número do ticket.
settings-trigger-url = URL
settings-trigger-header = Cabeçalho { $name }: o segredo do gatilho (veja “Segredo do gatilho” abaixo; ele é mostrado uma única vez, ao ser criado). O segredo nunca vai no corpo.
settings-trigger-body = Cria o negócio na primeira etapa do funil principal. Para escolher outra etapa, coloque o pipeline_id e o status_id dela da tabela abaixo; os campos personalizados vão em custom_fields_values pelo field_id. Defina log_ticket como true para registrar também a conversa do ticket no novo negócio como uma nota.
settings-trigger-body-label = Corpo (JSON)
settings-ids-title = IDs para gatilhos
settings-filter = Filtrar
settings-filter-placeholder = Nome ou ID
settings-pipelines = Funis e etapas
settings-users = Usuários
settings-fields = Campos do negócio
settings-col-name = Nome
settings-col-required = Obrigatório em
settings-archived = arquivado
settings-choice-title = Campos exibidos no bloco
button-retry = Tentar novamente
form-problem-not-saved = Nada foi salvo. Tudo o que você digitou continua aqui.
form-problem-maybe-saved = A resposta do amoCRM não chegou, então isto pode ter sido salvo mesmo assim. Verifique no amoCRM antes de tentar novamente; tudo o que você digitou continua aqui.

form-loss-reason = Motivo da perda
form-loss-reason-hint = Somente quando o negócio é fechado como perdido.
button-save-deal = Salvar as alterações
error-field-refused = O amoCRM não aceitou “{ $field }”: { $detail }

form-company = Empresa
form-company-hint = Procurada no amoCRM pelo nome exato; se nenhuma tiver esse nome, uma nova empresa é criada.
form-company-choose = Várias empresas no amoCRM se chamam “{ $name }”. Qual é a do contato?
form-company-new = Uma nova empresa chamada “{ $name }”
