"""What each kind of audit event is called, in the reader's language, for the log's filter and rows."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "comment.deleted": _l("Comment deleted"),
    "consent.opened": _l("Consent round opened"),
    "consent.position": _l("Position recorded in a consent round"),
    "consent.recorded": _l("Consent round result recorded"),
    "demo.loaded": _l("Demo loaded"),
    "group.created": _l("Working group created"),
    "invitation.accepted": _l("Invitation accepted"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "invitation.sent": _l("Invitation sent"),
    "mail.discarded": _l("Email discarded"),
    "mail.retried": _l("Email tried again"),
    "membership.added": _l("Member added"),
    "membership.removed": _l("Member removed"),
    "membership.role_changed": _l("Member's role changed"),
    "network.settings_changed": _l("Network name or logo changed"),
    "organization.created": _l("Member organization added"),
    "organization.updated": _l("Member organization changed"),
    "partner_link.created": _l("Partner link made"),
    "partner_link.turned_off": _l("Partner link turned off"),
    "partner_link.turned_on": _l("Partner link turned on again"),
    "signon.added_by_staff": _l("Sign-on added by staff"),
    "signon.approved": _l("Sign-on approved"),
    "signon.decision_undone": _l("Sign-on decision undone"),
    "signon.deleted": _l("Sign-on deleted"),
    "signon.edited": _l("Signatory's name, country or type corrected"),
    "signon.entered_from_paper": _l("Sign-on typed in from paper"),
    "signon.rejected": _l("Sign-on rejected"),
    "signon.withdrawn": _l("Sign-on withdrawn"),
    "statement.comment_period": _l("Comment period opened"),
    "statement.comment_period_changed": _l("Comment period changed"),
    "statement.corrected": _l("Published text corrected"),
    "statement.created": _l("Statement created"),
    "statement.details_changed": _l("Statement details changed"),
    "statement.draft": _l("Statement back to draft"),
    "statement.final": _l("Text made final"),
    "statement.published": _l("Statement published"),
    "statement.signon_goal": _l("Sign-on goal changed"),
    "statement.signon_closed": _l("Sign-on closed"),
    "statement.signon_open": _l("Sign-on opened"),
    "statement.translation_started": _l("Translation started"),
    "talking_point.agreed": _l("Talking point agreed"),
    "talking_point.proposed": _l("Talking point proposed again"),
    "talking_point.retired": _l("Talking point retired"),
    "thread.opened": _l("Comment thread opened"),
    "thread.reopened": _l("Comment thread reopened"),
    "thread.resolved": _l("Comment thread resolved"),
    "translator.invited": _l("Translator invited"),
    "translator.removed": _l("Translator removed"),
    "user.admin_created": _l("Staff account created"),
    "user.admin_granted": _l("Made network staff"),
    "user.admin_revoked": _l("No longer network staff"),
    "user.email_change_cancelled": _l("Email change cancelled"),
    "user.email_change_requested": _l("Email change asked for"),
    "user.email_change_undone": _l("Email change undone"),
    "user.email_changed": _l("Email address changed"),
    "user.logged_out_everywhere": _l("Logged out everywhere"),
    "user.password_changed": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
}


def action_label(action: str) -> str:
    """The event's name in the reader's language; an action this release does not name, made readable."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    return action.replace("_", " ").replace(".", ": ").capitalize()
