"""Accounts: sign-in, invitations, passwords, groups, memberships and organizations."""

import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from statements.accounts.models import (
    EMAIL_MAX, NAME_MAX, EmailChange, Invitation, LoginSession, Membership, Organization, TranslatorGrant, User,
    WorkingGroup,
    normalize_email, session_key_hash,
)
from statements.audit.services import record
from statements.core.db import utcnow
from statements.core.errors import DomainError, InvalidInput, InvalidToken, NotAllowed
from statements.core.i18n import DEFAULT_LANGUAGE, supported
from statements.core.input import one_line
from statements.core.timezones import UTC, is_zone
from statements.core.policy import Role
from statements.core.tokens import make_token, read_token
from statements.core.urls import external_url
from statements.extensions import db
from statements.mail.services import queue_mail

INVITATION_DAYS = 7
PASSWORD_RESET_SECONDS = 3600
EMAIL_CHANGE_SECONDS = 24 * 3600
#: how long the link sent to the old address can cancel (or undo) an email change
EMAIL_CHANGE_CANCEL_DAYS = 7


@cache
def _unused_hash() -> str:
    """A hash checked when no account matches, so an unknown email takes as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))


def _wrong_login() -> str:
    return _("That email and password do not match an account. Check both, or reset your password.")


def in_language_of(user: User):
    """Render what follows (a mail to this person) in their language, else English."""
    return force_locale(supported(user.language) or DEFAULT_LANGUAGE)


def find_user_by_email(email: str) -> User | None:
    """Return the account with this email, compared without regard to case."""
    return db.session.scalar(select(User).where(User.email_normalized == normalize_email(email)))


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials, or refuse without saying which part was wrong."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_unused_hash(), password)
        raise InvalidInput(_wrong_login(), field="password")
    if not user.check_password(password) or not user.is_active:
        raise InvalidInput(_wrong_login(), field="password")
    user.last_login_at = utcnow()
    return user


def log_in(email: str, password: str) -> User:
    """Check the credentials and open a login session for this device."""
    user = authenticate(email, password)
    open_login_session(user)
    return user


def login_limit_key(email: str) -> str:
    """Return what failed logins for this address are counted under: a new password starts a new count."""
    normalized = normalize_email(email)[:EMAIL_MAX]
    if "\x00" in normalized or "@" not in normalized:  # no account has it, and PostgreSQL refuses NUL in text
        return normalized
    user = find_user_by_email(normalized)
    return normalized + (":" + user.password_fingerprint() if user is not None else "")


# --- login sessions ------------------------------------------------------------------------

def _login_days() -> int:
    return current_app.config["LOGIN_DAYS"]


def open_login_session(user: User) -> None:
    """Start a login session for one device; the user object carries its key until the response is sent."""
    key = secrets.token_urlsafe(32)
    db.session.execute(delete(LoginSession).where(  # sessions past their life, which no cookie can use any more
        LoginSession.user_id == user.id, LoginSession.created_at < utcnow() - timedelta(days=_login_days())))
    db.session.add(LoginSession(user_id=user.id, key_hash=session_key_hash(key)))
    user.session_key = key


@cache
def _session_user_query():
    """The user of a login session still alive, with their memberships, which every page reads (asked on
    every request: built once, and one query)."""
    return (select(User).join(LoginSession, LoginSession.user_id == User.id)
            .where(User.id == bindparam("user_id"), LoginSession.key_hash == bindparam("key_hash"),
                   LoginSession.created_at >= bindparam("since", type_=LoginSession.created_at.type))
            .options(joinedload(User.memberships)))


def load_user_by_session_id(session_id: str) -> User | None:
    """Return the user for a Flask-Login id "<id>.<session key>", None once that session has ended."""
    user_id, _, key = session_id.partition(".")
    if not user_id.isdigit() or not key:
        return None
    user = db.session.scalars(_session_user_query(), {
        "user_id": int(user_id), "key_hash": session_key_hash(key),
        "since": utcnow() - timedelta(days=_login_days())}).unique().one_or_none()
    if user is None or not user.is_active:
        return None
    user.session_key = key
    return user


def log_out(user: User) -> None:
    """End the login session of this device: its session and remember-me cookies no longer log anyone in."""
    if user.session_key:
        db.session.execute(delete(LoginSession).where(LoginSession.key_hash == session_key_hash(user.session_key)))


def _end_login_sessions(user: User, keep: str | None = None) -> None:
    """End every login session of the user, but the one whose key is `keep`."""
    ending = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        ending = ending.where(LoginSession.key_hash != session_key_hash(keep))
    db.session.execute(ending)


def log_out_everywhere(user: User) -> None:
    """End every login session of the user, on every device, this one included."""
    _end_login_sessions(user)
    record(user, "user.logged_out_everywhere", user, f"{user.email} logged out on every device")


# --- invitations ---------------------------------------------------------------------------

def invitation_token(invitation: Invitation) -> str:
    return make_token("invitation", {"invitation": invitation.id, "email": invitation.email_normalized})


def invite(actor: User, email: str, group: WorkingGroup | None = None, role: Role | None = None,
           organization: Organization | None = None, make_admin: bool = False) -> Invitation | Membership:
    """Invite a person by email; someone who already has an account is added to the group directly."""
    existing = find_user_by_email(email)
    if existing is not None:
        if group is None:
            raise InvalidInput(_("%(email)s already has an account. Choose a working group to add them to.", email=email),
                               field="email")
        return add_member(actor, existing, group, role or Role.MEMBER)
    for pending in db.session.scalars(
        select(Invitation).where(Invitation.email_normalized == normalize_email(email),
                                 Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                                 Invitation.statement_id.is_(None))
    ):
        pending.revoked_at = utcnow()  # the newest invitation replaces older ones (not those to translate)
    invitation = Invitation(
        email=email.strip(), email_normalized=normalize_email(email), group=group,
        role=(role or Role.MEMBER).value if group else None, organization=organization,
        make_admin=make_admin, invited_by_id=actor.id, expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    where = f" to {group.name} as {invitation.role}" if group else ""  # the log is kept in English
    record(actor, "invitation.sent", invitation, f"Invited {invitation.email}{where}",
           group_id=group.id if group else None, email=invitation.email, role=invitation.role)
    # nobody has an account yet: the mail speaks the inviting person's language, the one on their screen
    subject = _("You are invited to %(name)s", name=group.name) if group else _("You are invited to Statements")
    queue_mail(invitation.email, subject, "invitation",
               invitation=invitation, inviter=actor, days=INVITATION_DAYS,
               link=external_url("accounts.accept_invitation", token=invitation_token(invitation)))
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """Return the invitation a link points at, or say why the link cannot be used."""
    # the invitation's own expiry decides (below), so that an expired link says what to do about it
    payload = read_token("invitation", token, max_age_seconds=None)
    invitation = db.session.get(Invitation, payload.get("invitation") or 0)
    if invitation is None or invitation.email_normalized != payload.get("email"):
        raise InvalidToken(_("This invitation link is not valid. Ask network staff to invite you again."))
    if invitation.accepted_at is not None:
        raise InvalidToken(_("This invitation has already been used. Log in with the email it was sent to, "
                             "or reset your password if you have forgotten it."))
    if invitation.revoked_at is not None and invitation.statement_id is not None:
        raise InvalidToken(_("This invitation to translate was withdrawn. Ask the person who invited you if you "
                             "think this is a mistake."))
    if invitation.expires_at <= utcnow() and invitation.statement_id is not None:
        raise InvalidToken(_("This invitation has expired. Ask the person who invited you to send a new one."))
    if invitation.revoked_at is not None:
        if _newer_invitation_exists(invitation):
            raise InvalidToken(_("This invitation was replaced by a newer one. "
                                 "Use the link in the latest email you received."))
        raise InvalidToken(_("This invitation was withdrawn by network staff. Ask them if you think this is a mistake."))
    if invitation.expires_at <= utcnow():
        raise InvalidToken(_("This invitation has expired. Ask network staff to send you a new one."))
    return invitation


def _newer_invitation_exists(invitation: Invitation) -> bool:
    """Say whether a later invitation to the same address replaced this one (rather than staff revoking it)."""
    return db.session.scalar(
        select(Invitation.id).where(Invitation.email_normalized == invitation.email_normalized,
                                    Invitation.id > invitation.id).limit(1)
    ) is not None


def accept_invitation(invitation: Invitation, display_name: str, password: str) -> User:
    """Create the invitee's account from a valid invitation, once, and log them in on this device."""
    if find_user_by_email(invitation.email) is not None:
        raise InvalidToken(_("An account with this email already exists. Log in instead."))
    user = User(display_name=one_line(display_name), is_admin=invitation.make_admin,
                organization_id=invitation.organization_id)
    user.set_email(invitation.email)
    user.set_password(password)
    db.session.add(user)
    invitation.accepted_at = utcnow()
    db.session.flush()
    record(user, "invitation.accepted", invitation, f"{user.display_name} accepted the invitation for {user.email}",
           group_id=invitation.group_id)
    if invitation.group is not None:
        membership = Membership(user=user, group=invitation.group, role=invitation.role)
        db.session.add(membership)
    _take_up_translations(user, invitation)
    open_login_session(user)
    return user


def _take_up_translations(user: User, accepted: Invitation) -> None:
    """Give a new account each translation its address was invited to, by this invitation or another still open."""
    for grant in db.session.scalars(
        select(TranslatorGrant).join(Invitation, TranslatorGrant.invitation_id == Invitation.id)
        .where(Invitation.email_normalized == user.email_normalized, TranslatorGrant.user_id.is_(None))
    ):
        if grant.invitation is accepted or grant.invitation.status == "pending":
            grant.user = user
            grant.invitation.accepted_at = grant.invitation.accepted_at or utcnow()


#: why an invitation that is no longer pending cannot be revoked, by its status
_INVITATION_ALREADY = {
    "accepted": lambda: _("This invitation is already accepted."),
    "revoked": lambda: _("This invitation is already revoked."),
    "expired": lambda: _("This invitation is already expired."),
}


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    """Stop an invitation link from working."""
    if invitation.status != "pending":
        raise InvalidInput(_INVITATION_ALREADY[invitation.status]())
    invitation.revoked_at = utcnow()
    record(actor, "invitation.revoked", invitation, f"Revoked the invitation for {invitation.email}",
           group_id=invitation.group_id)


# --- passwords and email -------------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Email a reset link when an account exists; say nothing about whether one does."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    token = make_token("password-reset", {"user": user.id, "pw": user.password_fingerprint()})
    with in_language_of(user):
        queue_mail(user.email, _("Reset your Statements password"), "password_reset", user=user,
                   link=external_url("accounts.reset_password", token=token), minutes=PASSWORD_RESET_SECONDS // 60)


def user_from_reset_token(token: str) -> User:
    """Return the user a reset link is for, or say why it cannot be used."""
    payload = read_token("password-reset", token, max_age_seconds=PASSWORD_RESET_SECONDS)
    user = db.session.get(User, payload.get("user") or 0)
    if user is None or not user.is_active:
        raise InvalidToken(_("This reset link is not valid. Ask for a new one."))
    if payload.get("pw") != user.password_fingerprint():
        raise InvalidToken(_("This reset link has already been used. Ask for a new one if you still need it."))
    return user


def reset_password(user: User, password: str) -> None:
    """Set a new password from a reset link: every device is logged out and pending email changes end."""
    user.set_password(password)
    _end_login_sessions(user)
    _cancel_pending_email_changes(user)
    record(user, "user.password_reset", user, f"{user.email} reset their password")


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a password after checking the current one: other devices are logged out, pending email changes end."""
    if not user.check_password(current_password):
        raise InvalidInput(_("Your current password is not right."), field="current_password")
    user.set_password(new_password)
    _end_login_sessions(user, keep=user.session_key)
    _cancel_pending_email_changes(user)
    record(user, "user.password_changed", user, f"{user.email} changed their password")


def request_email_change(user: User, password: str, new_email: str) -> EmailChange:
    """Send a confirmation link to the new address, and tell the old one how to cancel the change."""
    if not user.check_password(password):
        raise InvalidInput(_("Your password is not right."), field="password")
    if normalize_email(new_email) == user.email_normalized:
        raise InvalidInput(_("That is already your email address."), field="email")
    if find_user_by_email(new_email) is not None:
        raise InvalidInput(_("Another account already uses this email address."), field="email")
    _cancel_pending_email_changes(user)  # the newest request replaces older ones
    change = EmailChange(user=user, old_email=user.email, new_email=new_email.strip())
    db.session.add(change)
    db.session.flush()
    record(user, "user.email_change_requested", user, f"Asked to change email from {user.email} to {change.new_email}")
    with in_language_of(user):
        queue_mail(change.new_email, _("Confirm your new email address"), "email_change", user=user,
                   link=external_url("accounts.confirm_email_change",
                                     token=make_token("email-change", {"change": change.id})))
        queue_mail(user.email, _("Someone asked to change the email address of your Statements account"),
                   "email_change_notice", user=user, change=change, days=EMAIL_CHANGE_CANCEL_DAYS,
                   link=external_url("accounts.cancel_email_change",
                                     token=make_token("email-change-cancel", {"change": change.id})))
    return change


def update_profile(user: User, display_name: str, organization_id: int | None, time_zone: str) -> None:
    """Change a person's own name, organization and time zone."""
    name = one_line(display_name)
    if not name:
        raise InvalidInput(_("Enter the name other members will see."), field="display_name")
    organization = db.session.get(Organization, organization_id) if organization_id is not None else None
    if organization_id is not None and organization is None:
        raise InvalidInput(_("Choose an organization from the list."), field="organization_id")
    if not is_zone(time_zone):
        raise InvalidInput(_("Choose a time zone from the list."), field="time_zone")
    user.display_name, user.organization_id = name[:NAME_MAX], organization_id
    user.time_zone = None if time_zone == UTC else time_zone


def set_language(user: User, language: str | None) -> None:
    """Keep the language of the person's pages and mail; None leaves it to their browser."""
    if language is not None and supported(language) != language:
        raise InvalidInput(_("Choose one of the languages in the list."), field="language")
    user.language = language


def _cancel_pending_email_changes(user: User) -> None:
    for change in db.session.scalars(select(EmailChange).where(
            EmailChange.user_id == user.id, EmailChange.confirmed_at.is_(None), EmailChange.cancelled_at.is_(None))):
        change.cancelled_at = utcnow()


def _email_change(token: str, purpose: str, max_age_seconds: int) -> EmailChange:
    payload = read_token(purpose, token, max_age_seconds=max_age_seconds)
    change = db.session.get(EmailChange, payload.get("change") or 0)
    if change is None:
        raise InvalidToken(_("This link is not valid. Ask for a new one."))
    return change


def confirm_email_change(token: str) -> User:
    """Apply an email change from its confirmation link, once."""
    change = _email_change(token, "email-change", EMAIL_CHANGE_SECONDS)
    user = change.user
    if change.confirmed_at is not None:
        raise InvalidToken(_("This confirmation link has already been used."))
    if change.cancelled_at is not None:
        raise InvalidToken(_("This email change was cancelled: by a newer request, a password change, or from the "
                             "old address. Ask for the change again from your account page if you still want it."))
    if user.email_normalized != normalize_email(change.old_email):
        raise InvalidToken(_("This confirmation link has already been used."))
    if find_user_by_email(change.new_email) is not None:
        raise InvalidToken(_("Another account now uses this email address, so it cannot be yours too."))
    old = user.email
    user.set_email(change.new_email)
    change.confirmed_at = utcnow()
    record(user, "user.email_changed", user, f"Email changed from {old} to {user.email}")
    return user


def email_change_to_cancel(token: str) -> EmailChange:
    """Return the email change a link from the old address points at, or say why it cannot be cancelled."""
    change = _email_change(token, "email-change-cancel", EMAIL_CHANGE_CANCEL_DAYS * 24 * 3600)
    if change.cancelled_at is not None:
        raise InvalidToken(_("This email change is already cancelled. Nothing more needs doing. If you did not ask "
                             "for it, reset your password: whoever asked knows it."))
    if change.confirmed_at is not None and change.user.email_normalized != normalize_email(change.new_email):
        raise InvalidToken(_("Your account's email address has changed again since, so this link cannot undo it. "
                             "Ask network staff for help."))
    if change.confirmed_at is not None and find_user_by_email(change.old_email) is not None:
        raise InvalidToken(_("Another account now uses %(email)s, so this change cannot be undone. "
                             "Ask network staff for help.", email=change.old_email))
    return change


def cancel_email_change(token: str) -> EmailChange:
    """Cancel an email change from the link sent to the old address; a confirmed one is undone."""
    change = email_change_to_cancel(token)
    user = change.user
    change.cancelled_at = utcnow()
    if change.confirmed_at is None:
        record(user, "user.email_change_cancelled", user, f"Cancelled the change of email to {change.new_email}")
        return change
    # someone who knew the password moved the account to their own address: give it back, log them out
    user.set_email(change.old_email)
    _end_login_sessions(user)
    record(user, "user.email_change_undone", user,
           f"Email changed back from {change.new_email} to {user.email} from the link sent to the old address")
    return change


# --- groups, memberships, organizations ----------------------------------------------------

def create_group(actor: User, name: str, description: str = "") -> WorkingGroup:
    """Open a new working group."""
    name = one_line(name)
    if db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == name)) is not None:
        raise InvalidInput(_("A working group with this name already exists. Choose another name."), field="name")
    group = WorkingGroup(name=name, description=description.strip())
    db.session.add(group)
    db.session.flush()
    record(actor, "group.created", group, f"Created working group {group.name}", group_id=group.id)
    return group


def add_member(actor: User, user: User, group: WorkingGroup, role: Role) -> Membership:
    """Add an existing account to a group, or change their role if they are in it."""
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.group_id == group.id)
    )
    if membership is not None:
        return change_role(actor, membership, role)
    membership = Membership(user=user, group=group, role=role.value)
    db.session.add(membership)
    db.session.flush()
    record(actor, "membership.added", membership, f"Added {user.display_name} to {group.name} as {role.value}",
           group_id=group.id, user=user.id, role=role.value)
    with in_language_of(user):
        queue_mail(user.email, _("You were added to %(name)s", name=group.name), "added_to_group", user=user,
                   group=group, role=role, link=external_url("accounts.group", group_id=group.id))
    return membership


def change_role(actor: User, membership: Membership, role: Role) -> Membership:
    """Change a member's role in their group."""
    if membership.role == role.value:
        return membership
    if membership.role == Role.COORDINATOR and not _other_coordinators(membership) and not actor.is_admin:
        raise DomainError(_("A group needs a coordinator. Make someone else coordinator first."))
    old = membership.role
    membership.role = role.value
    record(actor, "membership.role_changed", membership,
           f"Changed {membership.user.display_name}'s role in {membership.group.name} from {old} to {role.value}",
           group_id=membership.group_id, user=membership.user_id, old=old, new=role.value)
    return membership


def remove_member(actor: User, membership: Membership) -> None:
    """Take a person out of a group."""
    if membership.role == Role.COORDINATOR and not _other_coordinators(membership) and not actor.is_admin:
        raise DomainError(_("A group needs a coordinator. Make someone else coordinator before removing this one."))
    record(actor, "membership.removed", membership,
           f"Removed {membership.user.display_name} from {membership.group.name}",
           group_id=membership.group_id, user=membership.user_id, role=membership.role)
    db.session.delete(membership)


def _other_coordinators(membership: Membership) -> list[Membership]:
    return [m for m in membership.group.memberships if m.role == Role.COORDINATOR and m.id != membership.id]


def save_organization(actor: User, organization: Organization | None, **fields) -> Organization:
    """Create a member organization, or update one."""
    creating = organization is None
    organization = organization or Organization()
    for name, value in fields.items():
        setattr(organization, name, value)
    db.session.add(organization)
    db.session.flush()
    verb = "organization.created" if creating else "organization.updated"
    record(actor, verb, organization, f"{'Added' if creating else 'Updated'} organization {organization.name}")
    return organization


def set_admin(actor: User, user: User, make_admin: bool) -> None:
    """Give or take away network staff rights."""
    if user.id == actor.id and not make_admin:
        raise NotAllowed(_("You cannot take away your own staff rights. Ask another staff member."))
    if user.is_admin == make_admin:
        return
    user.is_admin = make_admin
    action = "user.admin_granted" if make_admin else "user.admin_revoked"
    record(actor, action, user, f"{'Made' if make_admin else 'Removed'} {user.display_name} "
                                f"{'staff' if make_admin else 'from staff'}")


def create_admin(email: str, display_name: str, password: str) -> User:
    """Create a staff account from the command line."""
    if find_user_by_email(email) is not None:
        raise InvalidInput(_("An account with %(email)s already exists.", email=email), field="email")
    user = User(display_name=one_line(display_name), is_admin=True)
    user.set_email(email)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(None, "user.admin_created", user, f"Created staff account {user.email} from the command line")
    return user


def load_groups_of(user: User) -> list[WorkingGroup]:
    """Load the groups of a person's memberships in one query (each membership then finds its own at once)."""
    ids = [membership.group_id for membership in user.memberships]
    groups = {group.id: group for group in db.session.scalars(_groups_query(), {"ids": ids})} if ids else {}
    for membership in user.memberships:  # (the session holds what it loaded weakly: each membership keeps its own)
        if membership.group_id in groups:
            set_committed_value(membership, "group", groups[membership.group_id])
    return list(groups.values())


@cache
def _groups_query():
    return select(WorkingGroup).where(WorkingGroup.id.in_(bindparam("ids", expanding=True)))
