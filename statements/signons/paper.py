"""Paper and summit sign-ons typed in by staff, one after another: their likely duplicates by name, one sign-on
per form sent, and the entries of one sitting (a batch)."""

import re
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.audit.services import record
from statements.core.db import utcnow
from statements.core.errors import Conflict, InvalidInput
from statements.core.i18n import DEFAULT_LANGUAGE, supported
from statements.drafts.models import State, Statement
from statements.extensions import db
from statements.signons import duplicates, services
from statements.signons.models import SignOn, SignOnStatus
from statements.signons.services import _fill as fill_signon  # the one place a sign-on's name keys are derived

#: "<batch>.<form>": both random, so a batch cannot be guessed and each form is used once
_ENTRY_KEY = re.compile(r"[0-9a-f]{16}\.[0-9a-f]{16}")
_BATCH = re.compile(r"[0-9a-f]{16}")
#: how many of a batch's latest entries the page lists
BATCH_LISTED = 10
#: how many names the page offers while a name is typed
SUGGESTED_NAMES = 5
#: below this, a typed name is too short to say it begins like another
PREFIX_MIN = 4


@dataclass(frozen=True)
class NameMatch:
    """An active sign-on of the statement whose name looks like a typed one."""

    id: int
    organization_name: str
    #: in duplicates' words ("the same name", "very similar names"...), as staff_views.duplicate_reason says them
    reason: str
    status: str
    #: one of Visibility: policy.sees_signatory says who may see the name of one counted without being named
    visibility: str

    @property
    def exact(self) -> bool:
        return self.reason == "the same name"

    @property
    def holds_name(self) -> bool:
        """Confirmed or approved under the same name: a second one cannot be approved."""
        return self.exact and self.status != SignOnStatus.PENDING.value


def new_batch() -> str:
    """A new sitting of paper entries."""
    return secrets.token_hex(8)


def batch_of(value: str | None) -> str | None:
    """The batch a page or an entry key names, or None when it is not one."""
    if value and _BATCH.fullmatch(value):
        return value
    if value and _ENTRY_KEY.fullmatch(value):
        return value.split(".")[0]
    return None


def new_entry_key(batch: str) -> str:
    """A one-time key for the next entry form of a batch."""
    return f"{batch}.{secrets.token_hex(8)}"


def is_entry_key(value: str | None) -> bool:
    return bool(value and _ENTRY_KEY.fullmatch(value))


def name_likeness(typed: str, other: str, while_typing: bool = False) -> str | None:
    """Say why an organization name looks like another, or None. Pure.

    Only names are compared: a paper form often has no email, and two empty addresses say nothing.
    While a name is still being typed, one that begins like another is worth a look too.
    """
    key, other_key = duplicates.name_key(typed), duplicates.name_key(other)
    if not key or not other_key:
        return None
    if key == other_key:
        return "the same name"
    compact, other_compact = key.replace(" ", ""), other_key.replace(" ", "")
    acronym, other_acronym = duplicates.acronym(typed), duplicates.acronym(other)
    if (acronym and acronym == other_compact) or (other_acronym and other_acronym == compact):
        return "one name is the acronym of the other"
    if duplicates.similar(key, other_key):
        return "very similar names"
    if while_typing and len(compact) >= PREFIX_MIN and other_compact.startswith(compact):
        return "begins the same way"
    return None


def similar_signons(statement: Statement, name: str, while_typing: bool = False) -> list[NameMatch]:
    """The statement's active sign-ons whose names look like this one, the same name first."""
    rows = db.session.execute(
        select(SignOn.id, SignOn.organization_name, SignOn.status, SignOn.visibility)
        .where(SignOn.statement_id == statement.id, services.active_condition()).order_by(SignOn.id),
        {"cutoff": services.confirmation_cutoff()})
    found = []
    for signon_id, other, status, visibility in rows:
        reason = name_likeness(name, other, while_typing)
        if reason:
            found.append(NameMatch(signon_id, other, reason, status, visibility))
    # the same name first, then the one holding it (confirmed) before an unconfirmed one
    return sorted(found, key=lambda match: (not match.exact, match.status == SignOnStatus.PENDING.value))


def already_entered(statement: Statement, entry_key: str) -> SignOn | None:
    """The sign-on an entry form already added, when it is sent again."""
    return db.session.scalar(select(SignOn).where(SignOn.statement_id == statement.id,
                                                  SignOn.entry_key == entry_key))


def _in_batch(statement: Statement, batch: str):
    return (SignOn.statement_id == statement.id) & SignOn.entry_key.startswith(f"{batch}.", autoescape=True)


def latest_in_batch(statement: Statement, batch: str, limit: int = BATCH_LISTED) -> list[SignOn]:
    """The latest sign-ons typed in one batch, the latest first."""
    return list(db.session.scalars(select(SignOn).where(_in_batch(statement, batch))
                                   .order_by(SignOn.id.desc()).limit(limit)))


def batch_size(statement: Statement, batch: str) -> int:
    """How many sign-ons were typed in one batch."""
    return db.session.scalar(select(func.count()).select_from(SignOn).where(_in_batch(statement, batch)))


def require_open_for_entry(statement: Statement) -> None:
    """Paper sign-ons are typed in while sign-on is open, as the signatures they stand for were given then."""
    if statement.state != State.SIGNON_OPEN.value:
        raise Conflict(_("Sign-on for this statement is closed, so paper sign-ons cannot be entered. Reopen "
                         "sign-on first."))


def enter_paper_signon(actor: User, statement: Statement, fields: dict, entered_from: str, entry_key: str,
                       replacing: NameMatch | None = None, looks_like: NameMatch | None = None) -> SignOn:
    """Add one sign-on typed from paper, approved at once (staff vouch for it) and marked with its source.

    `replacing`: an unconfirmed sign-on of the same name, rejected with a note. `looks_like`: the sign-on
    it was saved despite, flagged for staff as a possible duplicate.
    """
    require_open_for_entry(statement)
    if not is_entry_key(entry_key):
        raise InvalidInput(_("This form is out of date. Check the entry and save it again."))
    if replacing is not None:
        earlier = db.session.get(SignOn, replacing.id)
        services.decide(actor, [earlier], approve=False, note=services.REPLACED_BY_STAFF_ENTRY)
    now = utcnow()
    signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                    source="staff", entered_from=entered_from, entry_key=entry_key,
                    confirm_nonce=secrets.token_hex(8), withdraw_nonce=secrets.token_hex(8),
                    status=SignOnStatus.APPROVED.value, confirmed_at=now, approved_at=now, decided_by_id=actor.id,
                    language=supported(statement.language) or DEFAULT_LANGUAGE)
    fill_signon(signon, dict(fields, contact_email=fields.get("contact_email") or ""))
    if not signon.contact_email:  # no address: it must not look like every other form without one
        signon.email_key, signon.email_domain = "", None
    if looks_like is not None:
        signon.possible_duplicate_of_id, signon.duplicate_reason = looks_like.id, looks_like.reason
    db.session.add(signon)
    db.session.flush()
    record(actor, "signon.entered_from_paper", statement,
           f"Entered “{signon.organization_name}” from {entered_from} on “{statement.title}”",
           group_id=statement.group_id, signon_id=signon.id, entered_from=entered_from)
    services.forget_counts()
    return signon
