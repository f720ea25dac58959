//! Every action of a block with data, each with its own signed token.

use domain::edit::{ClientValue, missing_values};
use domain::model::BlockData;

use crate::app::App;
use crate::token::{ActionKind, Scope};
use crate::view::{self, model};

/// The new-deal form's link for `contact`: prefilled with the ticket's subject as the deal's name and the
/// contact's responsible as the deal's (plain query values, like the contact form's; the token names the contact).
fn new_deal_action(
    app: &App,
    scope: &Scope,
    contact: &domain::model::ContactView,
    subject: Option<&str>,
) -> model::Action {
    let mut action = app.action(scope, ActionKind::NewDeal, Some(contact.id));
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(subject) = subject.map(str::trim).filter(|s| !s.is_empty()) {
        let name: String = subject.chars().take(domain::fields::NAME_MAX).collect();
        query.append_pair("name", &name);
    }
    if let Some(user) = &contact.responsible {
        query.append_pair("responsible", &user.id.to_string());
    }
    let query = query.finish();
    if !query.is_empty() {
        action.url = format!("{}?{query}", action.url);
    }
    action
}

/// Every action of a block with data, each with its own signed token.
pub(crate) fn actions(
    app: &App,
    scope: &Scope,
    data: &BlockData,
    subject: Option<&str>,
) -> model::BlockActions {
    // Linking needs a Usedesk client to link, and is offered only while there is a choice to make.
    let can_link = scope.client.is_some() && !data.linked && data.contacts.len() > 1;
    // The client's missing phones and e-mails are offered for the contact that is the client: the linked one,
    // or the only one found.
    let offers_values = data.linked || data.contacts.len() == 1;
    let country = app.domain().config().default_country.clone();
    let contacts = data
        .contacts
        .iter()
        .map(|contact| model::ContactActions {
            contact_id: contact.id,
            link: can_link.then(|| app.action(scope, ActionKind::Link, Some(contact.id))),
            unlink: (contact.linked && scope.client.is_some())
                .then(|| app.action(scope, ActionKind::Unlink, Some(contact.id))),
            new_deal: new_deal_action(app, scope, contact, subject),
            // The company's own deals open on their cards too.
            deals: contact
                .deals
                .iter()
                .chain(contact.company.iter().flat_map(|c| &c.deals))
                .map(|deal| {
                    let about = (Some(deal.id), Some(contact.id));
                    (deal.id, app.action_about(scope, ActionKind::Deal, about))
                })
                .collect(),
            // Only the deals shown unfolded offer a quick comment; the others are commented on their card.
            comments: view::unfolded_deals(contact)
                .into_iter()
                .map(|id| (id, app.action(scope, ActionKind::Comment, Some(id))))
                .collect(),
            // The stage select goes on the same deals as the quick comment; the card it may end on reads the
            // contact beside the deal.
            moves: view::unfolded_deals(contact)
                .into_iter()
                .map(|id| {
                    let about = (Some(id), Some(contact.id));
                    (id, app.action_about(scope, ActionKind::MoveDeal, about))
                })
                .collect(),
            add_values: if offers_values {
                missing_values(contact, &data.client, country.as_deref())
                    .into_iter()
                    .map(|value| model::ValueAction {
                        field: match value {
                            ClientValue::Phone(_) => "phone",
                            ClientValue::Email(_) => "email",
                        },
                        value: value.value().to_owned(),
                        action: app.action(scope, ActionKind::AddContactValue, Some(contact.id)),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            tasks: Some(app.action(scope, ActionKind::Tasks, Some(contact.id))),
            complete_tasks: view::shown_tasks(contact)
                .into_iter()
                .map(|id| (id, app.action(scope, ActionKind::CompleteTask, Some(id))))
                .collect(),
            edit: Some(app.action(scope, ActionKind::EditContact, Some(contact.id))),
        })
        .collect();
    let (new_contacts, new_deals) = app.just_created(data.connection_id);
    model::BlockActions {
        contacts,
        add_contact: app.action(scope, ActionKind::AddContact, None),
        create_contact: app.action(scope, ActionKind::CreateContact, None),
        new_contacts,
        new_deals,
        settings: app.action(scope, ActionKind::Settings, None),
        search: app.action(scope, ActionKind::Search, None),
    }
}
