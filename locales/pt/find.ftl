## Encontrar um contato manualmente: o formulário de busca do bloco e a página de resultados.

search-title = Encontrar um contato no amoCRM
search-label = Nome, telefone, e-mail ou empresa
search-placeholder = Nome, telefone, e-mail ou empresa
button-search = Buscar
search-hint = Os telefones podem ser escritos em qualquer formato. Um nome ou uma empresa encontra possíveis correspondências: confira antes de vincular.
search-empty = Digite um nome, telefone, e-mail ou empresa para buscar.
search-too-long = A busca é longa demais: use no máximo { $max } caracteres.
search-nothing = Nada encontrado para “{ $query }”.
search-found =
    { $count ->
        [one] { $count } contato encontrado para “{ $query }”
       *[other] { $count } contatos encontrados para “{ $query }”
    }
search-truncated = Só os primeiros { $count } são mostrados: refine a busca.
search-as-phone = Buscado como o telefone { $phone }.
search-as-email = Buscado como o e-mail { $email }.
search-possible = Possível correspondência
search-confirmed = Correspondência exata
search-via-company = Empresa: { $company }
search-link-done-hint = A partir de agora, o bloco mostra o contato vinculado.

## Manter o contato em dia com o ticket.

button-add-value = Adicionar { $value } a este contato
contact-values-missing = O ticket do cliente tem dados que faltam neste contato:
action-done-value-added = { $value } foi adicionado ao contato no amoCRM.

## As tarefas de um contato.

button-tasks = Tarefas
button-call-back = Retornar a ligação
tasks-title = Tarefas: { $contact }
tasks-none = Nenhuma tarefa aberta.
tasks-new = Nova tarefa
task-type = Tipo
task-text = O que fazer
task-due = Prazo
task-result = Resultado
task-overdue = Atrasada
task-due-today = Hoje
task-on-contact = No contato
task-on-deal = No negócio “{ $deal }”
task-due-invalid = Escolha a data e a hora do prazo da tarefa.
task-call-back-text = Retornar a ligação
button-create-task = Criar tarefa
button-complete-task = Concluir
action-done-task-created = A tarefa foi criada no amoCRM.
action-done-task-completed = A tarefa foi concluída.
block-contact-tasks = Tarefas abertas do contato
button-task-done = Feito
task-due-today-at = hoje { $time }
task-due-tomorrow-at = amanhã { $time }
task-due-yesterday-at = ontem { $time }
block-tasks-more = Mais { $count } na página de tarefas
block-tasks-more-unread = Mais na página de tarefas

## A empresa de um contato.

contact-company = Empresa

## Editar um contato.

button-edit-contact = Editar
contact-edit-title = Editar o contato
button-save-contact = Salvar
action-done-contact-saved = O contato foi salvo no amoCRM.
contact-position = Cargo
contact-position-hint = Deixar em branco mantém o cargo atual; para removê-lo, abra o contato no amoCRM.
block-tasks-not-read = Não foi possível carregar as tarefas abertas agora: recarregue o bloco em instantes ou abra Tarefas.
task-on = Onde
