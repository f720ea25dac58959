//! Audit actions and results are stored as text: every known spelling reads back as itself, and a spelling this
//! build does not know (written by another version) reads back unchanged instead of failing.

use domain::store::{AuditAction, AuditResult};

#[test]
fn every_audit_action_reads_back_from_its_stored_spelling() {
    // Arrange
    let actions = [
        (AuditAction::ContactCreate, "contact.create"),
        (AuditAction::LeadCreate, "lead.create"),
        (AuditAction::LeadUpdate, "lead.update"),
        (AuditAction::NoteCreate, "note.create"),
        (AuditAction::LinkSet, "link.set"),
        (AuditAction::LinkRemove, "link.remove"),
        (AuditAction::FieldsChoose, "fields.choose"),
        (AuditAction::UsedeskComment, "usedesk.comment"),
        (AuditAction::TriggerSecretCreate, "trigger_secret.create"),
        (AuditAction::TriggerSecretRotate, "trigger_secret.rotate"),
    ];

    for (action, stored) in actions {
        // Act / Assert
        assert_eq!(action.as_str(), stored);
        assert_eq!(AuditAction::from_stored(stored), action);
    }
}

#[test]
fn an_unknown_stored_action_or_result_reads_back_unchanged() {
    // Act
    let action = AuditAction::from_stored("deal.archive");
    let result = AuditResult::from_stored("rate_limited");

    // Assert
    assert_eq!(action, AuditAction::Other("deal.archive".into()));
    assert_eq!(action.as_str(), "deal.archive");
    assert_eq!(result.to_string(), "rate_limited");
    assert_eq!(AuditResult::from_stored("ok"), AuditResult::Ok);
    assert_eq!(AuditResult::from_stored("error"), AuditResult::Error);
}
