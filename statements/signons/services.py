"""Sign-ons: open and close sign-on, sign, confirm, withdraw, moderate, count and list."""

import hashlib
import hmac
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from functools import cache
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, lazy_gettext as _l, ngettext
from sqlalchemy import Text, and_, bindparam, case, cast, exists, func, literal_column, or_, select, union, update
from sqlalchemy.orm import make_transient_to_detached, selectinload

from statements.accounts.models import User
from statements.audit.services import record
from statements.core import collation
from statements.core.countries import ENGLISH, country_name
from statements.core.db import QuickStatement, in_session_transaction, utcnow, with_defaults
from statements.core.errors import Conflict, InvalidInput, InvalidToken, NotAllowed
from statements.core.i18n import DEFAULT_LANGUAGE, supported
from statements.core.timezones import NoSuchLocalTime, local_to_utc
from statements.core.tokens import make_token, read_token
from statements.core.urls import external_url
from statements.drafts import events, services as drafts
from statements.drafts.diffing import Excerpts, changes_in_context
from statements.drafts.models import State, Statement
from statements.extensions import db
from statements.mail.services import (deliver_after_commit, deliver_in_a_moment, insert_mail_written_at_delivery,
                                      insert_with_mail_written_at_delivery, mail_after, mail_values, queue_mail,
                                      queue_mail_written_at_delivery, writes_mail)
from statements.notifications import services as notifications
from statements.notifications.kinds import SIGNONS_WAITING
from statements.signons import appearance, campaign, duplicates
from statements.signons.versions import public_version_in
from statements.signons.models import CONFIRMED_STATUSES, SignOn, SignOnStatus, Visibility

CONFIRM_DAYS = 7
COUNT_CACHE_SECONDS = 5
#: a form sent again by the same address sooner than this changes the answers but sends no new email
RESEND_AFTER = timedelta(minutes=10)
#: wrong codes a sign-on takes, from any address, before only its link confirms it
CODE_ATTEMPTS = 5
#: the notes kept, in English, on sign-ons refused without anyone deciding; staff_views.moderation_note
#: says them in the reader's language (change both together)
REFUSED_AS_ALREADY_SIGNED = "Refused automatically: {name} had already signed."
REPLACED_BY_STAFF_ENTRY = "Replaced by a sign-on entered by staff."


def wrong_code() -> str:
    """The one answer to a wrong, expired or used-up code, in the reader's language."""
    return ngettext("That code does not match a sign-on waiting for confirmation at this address. Check the six "
                    "digits in the latest email; codes work for %(num)s day. After %(tries)s wrong tries a code "
                    "stops working: then open the link in the email, or ask for a new link and code on the "
                    "statement's page.",
                    "That code does not match a sign-on waiting for confirmation at this address. Check the six "
                    "digits in the latest email; codes work for %(num)s days. After %(tries)s wrong tries a code "
                    "stops working: then open the link in the email, or ask for a new link and code on the "
                    "statement's page.", CONFIRM_DAYS, tries=CODE_ATTEMPTS)


# --- opening and closing -----------------------------------------------------------------------

def parse_deadline(date_text: str, time_text: str, zone: str) -> datetime | None:
    """Read a deadline given as a date, a time and a time zone; return it in UTC."""
    if not date_text:
        return None
    try:
        local = datetime.strptime(f"{date_text} {time_text or '23:59'}", "%Y-%m-%d %H:%M")
        ZoneInfo(zone)
        return local_to_utc(local, zone)
    except NoSuchLocalTime:
        raise InvalidInput(_("The clocks skip this time in this time zone (summer time starts then). "
                             "Choose a time an hour later."), field="deadline_time") from None
    except (ValueError, KeyError, OverflowError):
        raise InvalidInput(_("Give the deadline as a date and a time, with a time zone from the list."),
                           field="deadline_date") from None


def open_signon(actor: User, statement: Statement, deadline: datetime | None, timezone: str,
                requires_approval: bool, closing_message: str, hide_list: bool) -> int:
    """Open sign-on on the final text; return how many earlier signatories are asked to confirm again."""
    if statement.state_enum not in (State.FINAL, State.SIGNON_CLOSED):
        raise Conflict(_("Sign-on can only open on a final text. Freeze a revision as final first."))
    if deadline is not None and deadline <= utcnow():
        raise InvalidInput(_("The deadline has already passed. Choose a later date, or none."), field="deadline_date")
    statement.signon_deadline, statement.signon_timezone = deadline, timezone
    statement.signon_requires_approval = requires_approval
    statement.signon_closing_message = (closing_message or "").strip()
    statement.signon_list_hidden = hide_list
    drafts.transition(actor, statement, State.SIGNON_OPEN.value)
    return _ask_earlier_signatories_to_confirm_again(statement)


def close_signon(actor: User | None, statement: Statement) -> None:
    drafts.transition(actor, statement, State.SIGNON_CLOSED.value)


def close_if_past_deadline(statement: Statement) -> bool:
    """Close sign-on once its deadline has passed (recorded as done by the system); say if it did."""
    def due() -> bool:
        return (statement.state == State.SIGNON_OPEN and statement.signon_deadline is not None
                and statement.signon_deadline <= utcnow())

    if not due():
        return False
    drafts.lock_for_writing(statement)  # visitors arrive together at the deadline: only the first closes it
    if not due():
        return False
    close_signon(None, statement)
    return True


def _ask_earlier_signatories_to_confirm_again(statement: Statement) -> int:
    final = statement.final_revision
    earlier = db.session.scalars(
        select(SignOn).where(SignOn.statement_id == statement.id,
                             SignOn.status.in_([SignOnStatus.CONFIRMED.value, SignOnStatus.APPROVED.value]),
                             SignOn.revision_id != final.id)
    ).all()
    if not earlier:
        return 0
    new_text = drafts.revision_text(final)
    changes = {}  # revision signed -> what changed since: one diff each, however many signed it
    for signon in earlier:
        if signon.reconfirm_revision_id != final.id:
            if signon.revision_id not in changes:
                changes[signon.revision_id] = _changes_since_signed(signon, new_text)
            _ask_to_confirm_again(statement, signon, final, changes[signon.revision_id])
    return len(earlier)


def _ask_to_confirm_again(statement: Statement, signon: SignOn, final, changes: Excerpts) -> None:
    """Email a signatory what changed since the text they signed, with a link to sign the new one."""
    signon.reconfirm_revision_id = final.id
    signon.confirm_nonce = secrets.token_hex(8)
    with force_locale(signon.language):
        queue_mail(signon.contact_email, _("The statement “%(title)s” has changed: please confirm again",
                                           title=statement.title),
                   "signon_reconfirm", signon=signon, statement=statement, changes=changes,
                   link=external_url("signons.confirm", slug=statement.slug, token=confirm_token(signon)),
                   statement_link=external_url("signons.public", slug=statement.slug),
                   withdraw_link=external_url("signons.withdraw", slug=statement.slug, token=withdraw_token(signon)))


def _changes_since_signed(signon: SignOn, new_text: str) -> Excerpts:
    """What changed since the text a signatory signed, for an email: each change with a few words around it."""
    return changes_in_context(drafts.word_diff(drafts.revision_text(signon.revision), new_text).ops)


# --- corrections of a published statement --------------------------------------------------------

def _told_of_corrections(statement: Statement):
    """The signatories told of a correction: approved, with an address to write to."""
    return (SignOn.statement_id == statement.id, SignOn.status == SignOnStatus.APPROVED.value,
            SignOn.contact_email != "")


def _correction_subject(statement: Statement) -> str:
    return _("The published statement “%(title)s” was corrected", title=statement.title)


def correct_published_text(actor: User, statement: Statement, base_number: int, text: str, note: str) -> int:
    """Publish a corrected text and tell each approved signatory by mail, in their language; return how many
    were told. The list of signatories stays as it is: they signed the statement, not one wording of it."""
    correction = drafts.correct_published(actor, statement, base_number, text, note)
    diff = drafts.word_diff(drafts.revision_text(correction.previous_revision), drafts.revision_text(correction.revision))
    changes = changes_in_context(diff.ops)
    told = db.session.scalars(select(SignOn).where(*_told_of_corrections(statement)).order_by(SignOn.id)).all()
    for signon in told:
        with force_locale(signon.language):
            queue_mail(signon.contact_email, _correction_subject(statement), "signon_corrected",
                       contact_name=signon.contact_name, organization=signon.organization_name, statement=statement,
                       note=correction.note, changes=changes,
                       link=external_url("signons.corrections", slug=statement.slug),
                       withdraw_link=external_url("signons.withdraw", slug=statement.slug,
                                                  token=withdraw_token(signon)))
    return len(told)


@dataclass
class CorrectionPreview:
    """What sending a correction would do: the word diff of the texts, and the mail signatories would get."""

    ops: list
    recipients: int
    subject: str
    body: str


def preview_correction(statement: Statement, base_number: int, text: str, note: str) -> CorrectionPreview:
    """Check a correction and show what it would change and tell, without storing or sending anything.

    The mail is in the reader's language, with stand-ins for what differs from one signatory to the next."""
    from flask import render_template  # (the mail's own template, as queue_mail renders it)

    text, note, previous_text = drafts.check_correction(statement, base_number, text, note)
    diff = drafts.word_diff(previous_text, text)
    body = render_template("mail/signon_corrected.txt", contact_name=_("[the contact person's name]"),
                           organization=_("[the organization's name]"), statement=statement, note=note,
                           changes=changes_in_context(diff.ops),
                           link=external_url("signons.corrections", slug=statement.slug),
                           withdraw_link=_("[a link of their own]"))
    recipients = db.session.scalar(select(func.count()).select_from(SignOn).where(*_told_of_corrections(statement)))
    return CorrectionPreview(diff.ops, recipients, _correction_subject(statement), body)


# --- publication -------------------------------------------------------------------------------

@events.state_changed.connect
def _tell_signatories_when_published(statement: Statement, to_state: State, **_ignored) -> None:
    if to_state == State.PUBLISHED and statement.source_id is None:
        tell_signatories_published(statement)


def tell_signatories_published(statement: Statement) -> int:
    """Mail each approved signatory, in the language they signed in, that the statement they signed is
    published, with its public link; return how many were told. Organizations counted without being named
    are told too: the mail goes only to their own contact."""
    told = db.session.scalars(select(SignOn).where(
        SignOn.statement_id == statement.id, SignOn.status == SignOnStatus.APPROVED.value,
        SignOn.contact_email != "").order_by(SignOn.id)).all()
    for signon in told:
        version = shown_to(statement, signon)  # the published text in their language, where there is one
        with force_locale(signon.language):
            queue_mail(signon.contact_email, _("“%(title)s” is published", title=version.title),
                       "signon_published", signon=signon, statement=version,
                       link=external_url("signons.public", slug=version.slug),
                       pdf_link=external_url("export.public_pdf", slug=version.slug),
                       withdraw_link=external_url("signons.withdraw", slug=statement.slug,
                                                  token=withdraw_token(signon)))
    return len(told)


# --- signing -------------------------------------------------------------------------------------

class SignOnClosed(NotAllowed):
    title = _l("Sign-on is closed")


def require_open(statement: Statement) -> None:
    if close_if_past_deadline(statement):
        db.session.commit()
    if statement.state != State.SIGNON_OPEN:
        closed = _("Sign-on for this statement is closed, so no new signatures can be added.")
        raise SignOnClosed(f"{closed} {statement.signon_closing_message}" if statement.signon_closing_message
                           else closed)


def _code_hash(salt: int | str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{salt}:{code.strip()}".encode(), hashlib.sha256).hexdigest()


def _code_matches(signon: SignOn, code: str) -> bool:
    """The code is hashed with the sign-on's confirmation nonce, known before the row is written (so
    signing is one INSERT); codes sent before that were hashed with the row's id, and still work."""
    return any(hmac.compare_digest(signon.code_hash or "", _code_hash(salt, code))
               for salt in (signon.confirm_nonce, signon.id))


def confirm_token(signon: SignOn) -> str:
    return make_token("signon-confirm", {"s": signon.id, "n": signon.confirm_nonce})


def withdraw_token(signon: SignOn) -> str:
    return make_token("signon-withdraw", {"s": signon.id, "n": signon.withdraw_nonce})


def set_organization_name(signon: SignOn, name: str) -> None:
    """Set a sign-on's public name with the keys duplicate checks and the list's order read from it."""
    name = " ".join(name.split())
    signon.organization_name = name
    signon.name_key = duplicates.name_key(name)[:200] or duplicates.fold(name)[:200] or name.casefold()[:200]
    signon.first_word = (signon.name_key.split() or [""])[0][:60]
    signon.acronym = duplicates.acronym(name)[:30]
    signon.sort_key = collation.stored_sort_key(name, 200)


def set_country(signon: SignOn, country: str) -> None:
    """Set a sign-on's country with the key the list's order by country reads."""
    signon.country = country
    signon.country_sort = collation.stored_sort_key(country_name(country), 80)


def _fill(signon: SignOn, fields: dict) -> None:
    set_organization_name(signon, fields["organization_name"])
    set_country(signon, fields["country"])
    signon.org_type = fields["org_type"]
    signon.website = (fields.get("website") or "").strip() or None
    signon.contact_name = " ".join(fields["contact_name"].split())
    signon.contact_email = fields["contact_email"].strip()
    signon.email_key = duplicates.email_key(signon.contact_email)
    signon.email_domain = duplicates.email_domain(signon.contact_email)
    signon.message = (fields.get("message") or "").strip()
    signon.visibility = fields.get("visibility") or Visibility.NAMED.value
    signon.consent_to_contact = bool(fields.get("consent_to_contact"))


@dataclass(frozen=True)
class Duplicate:
    """An earlier active sign-on that a new one repeats (`exact`: the same name key) or looks like."""

    id: int
    organization_name: str
    reason: str
    exact: bool
    #: the earlier one's status, and whether its contact used the same address as the new one
    status: str = SignOnStatus.APPROVED.value
    same_address: bool = False
    #: whether the public can already read that this organization signed (named, on a public list)
    publicly_named: bool = False

    @property
    def unconfirmed(self) -> bool:
        return self.status == SignOnStatus.PENDING.value


def confirmation_cutoff() -> datetime:
    """Links and codes sent before this moment have expired, and their sign-ons hold nothing."""
    return utcnow() - timedelta(days=CONFIRM_DAYS)


def written(status: str):
    """A status written into a query's SQL rather than given as a value: SQLite compares a status given as a value
    with the one of the partial index on approved names, and so prepares the statement again at every execution
    (the same-name lookup took 50 µs on the driver's cursor, on an empty table, instead of 7); a list given as values
    is expanded into the SQL again at every execution. Only a status the model knows is written (else ValueError)."""
    return literal_column(f"'{SignOnStatus(status).value}'")


def active_condition():
    """Confirmed or approved, or still waiting for a confirmation whose link has not expired."""
    return or_(SignOn.status.in_([written(status) for status in CONFIRMED_STATUSES]),
               and_(SignOn.status == written(SignOnStatus.PENDING.value),
                    SignOn.confirm_sent_at >= bindparam("cutoff")))


def _duplicate_candidates_query(database: str):
    """The query behind `find_duplicate` on a database (its dialect's name), built once: building it anew
    took longer than running it.

    Each way a sign-on may repeat an earlier one (the same name, the same address, the same first word,
    the same organizational domain, one name the acronym of the other) has an index of its own, so that no
    new sign-on reads all of a statement's sign-ons. PostgreSQL combines the lookups itself (a bitmap OR);
    SQLite does so only with statistics, which a new file lacks, so there each lookup is spelled out and
    their ids united. A condition that does not apply gets a NULL, which matches nothing. Only the stored
    keys the checks compare are read, not worked out again from names and addresses, as a common first word
    ("association") can bring up to 200 candidates; the same name comes first so that the limit never hides
    it, the one holding it (confirmed first) before others.
    """
    statement_id, key = bindparam("statement_id"), bindparam("name_key")
    lookups = [(SignOn.name_key, key), (SignOn.email_key, bindparam("email_key")),
               (SignOn.first_word, bindparam("first_word")), (SignOn.email_domain, bindparam("email_domain")),
               (SignOn.name_key, bindparam("acronym")), (SignOn.acronym, bindparam("compact"))]
    if database == "sqlite":
        found = SignOn.id.in_(union(*(select(SignOn.id).where(SignOn.statement_id == statement_id, column == value)
                                      for column, value in lookups)))
    else:
        found = and_(SignOn.statement_id == statement_id, or_(*(column == value for column, value in lookups)))
    return (select(SignOn.id, SignOn.organization_name, SignOn.name_key, SignOn.email_key, SignOn.email_domain,
                   SignOn.acronym, SignOn.status, SignOn.visibility)
            .where(found, active_condition(), SignOn.id != bindparam("signon_id"))
            .order_by((SignOn.name_key == key).desc(), SignOn.status == written(SignOnStatus.PENDING.value), SignOn.id)
            .limit(200))


_DUPLICATE_CANDIDATES = {database: _duplicate_candidates_query(database) for database in ("postgresql", "sqlite")}


def duplicate_candidates(database: str):
    """The duplicate check's query for a database, by its dialect's name (SQLite's, or the OR of the others)."""
    return _DUPLICATE_CANDIDATES["sqlite" if database == "sqlite" else "postgresql"]


def duplicate_lookup(statement_id: int, signon_id: int, name_key: str, email_key: str, first_word: str,
                     email_domain: str | None, acronym: str) -> dict:
    """The values the duplicate check (`duplicate_candidates`) looks up for one sign-on, all but the cutoff
    of confirmation."""
    compact = name_key.replace(" ", "")
    return {"statement_id": statement_id, "signon_id": signon_id, "name_key": name_key, "email_key": email_key,
            "first_word": first_word, "email_domain": email_domain or None, "acronym": acronym or None,
            "compact": compact if 2 <= len(compact) <= 30 else None}


def find_duplicate(statement: Statement, signon: SignOn, earlier_only: bool = False) -> Duplicate | None:
    """Look, in one query, among this statement's active sign-ons (`earlier_only`: those stored before this
    one) for the same organization: first one with the same name key, else one that looks alike."""
    connection = db.session.connection()  # (a Core query: the ORM's execution adds nothing to it)
    candidates = connection.execute(duplicate_candidates(connection.dialect.name), {
        **duplicate_lookup(statement.id, signon.id or 0, signon.name_key, signon.email_key, signon.first_word,
                           signon.email_domain, signon.acronym),
        "cutoff": confirmation_cutoff()})
    with candidates:  # often left before the last row
        return _first_duplicate(statement, signon, candidates, signon.id if earlier_only else None)


#: an active sign-on of a statement holding a name, confirmed ones first, with whether the statement's list is
#: public (`find_same_name`: read in the same row, so that what is found costs no further query)
SAME_NAME = QuickStatement(
    select(SignOn.id, SignOn.organization_name, SignOn.email_key, SignOn.status, SignOn.visibility,
           Statement.signon_list_hidden, Statement.state)
    .join(Statement, Statement.id == SignOn.statement_id)
    .where(SignOn.statement_id == bindparam("statement_id"), SignOn.name_key == bindparam("name_key"),
           active_condition())
    .order_by(SignOn.status == written(SignOnStatus.PENDING.value), SignOn.id).limit(1))


def find_same_name(connection, statement: "Statement | OpenStatement", signon: SignOn) -> Duplicate | None:
    """The active sign-on of this statement that holds the same name key as a new one, if any (one indexed
    lookup on `connection`: what a sign-on from the form must know before it is stored)."""
    found = SAME_NAME.first(connection, {
        "statement_id": statement.id, "name_key": signon.name_key, "cutoff": confirmation_cutoff()})
    if found is None:
        return None
    other_id, other_name, email_key, status, visibility, list_hidden, state = found
    return _same_name(other_id, other_name, status, visibility, email_key == signon.email_key,
                      _list_is_public(list_hidden, state))


def _same_name(other_id: int, other_name: str, status: str, visibility: str, same_address: bool,
               list_public: bool) -> Duplicate:
    named = status == SignOnStatus.APPROVED.value and visibility == Visibility.NAMED.value and list_public
    return Duplicate(other_id, other_name, "the same name", exact=True, status=status, same_address=same_address,
                     publicly_named=named)


def _first_duplicate(statement: Statement, signon: SignOn, candidates, before_id: int | None) -> Duplicate | None:
    mine = duplicates.Keys(signon.name_key, signon.email_key, signon.email_domain, signon.acronym)
    for other_id, other_name, *keys, status, visibility in candidates:
        if before_id is not None and other_id > before_id:
            continue
        other = duplicates.Keys(*keys)
        if other.name_key == mine.name_key:
            return _same_name(other_id, other_name, status, visibility, other.email_key == mine.email_key,
                              list_is_public(statement))
        reason = duplicates.likely_same_keys(mine, other)
        if reason:
            return Duplicate(other_id, other_name, reason, exact=False, status=status)
    return None


def flag_if_duplicate(statement: Statement, signon: SignOn, earlier_only: bool = False) -> Duplicate | None:
    """Mark a sign-on as a possible duplicate for staff when it repeats or looks like an earlier one."""
    found = find_duplicate(statement, signon, earlier_only)
    if found is not None:
        signon.possible_duplicate_of_id, signon.duplicate_reason = found.id, found.reason
    return found


@dataclass(frozen=True)
class OpenStatement:
    """What storing a sign-on needs to know of a statement open for sign-on. The INSERT that stores the
    sign-on checks again that the statement is open, at this final revision and before its deadline, so it
    may be what a page looked up a few seconds ago (`signons.views`) rather than read again."""

    id: int
    revision_id: int

    @classmethod
    def of(cls, statement: Statement) -> "OpenStatement":
        return cls(statement.id, statement.final_revision_id)


#: the statement open for sign-on, at the final revision known, before its deadline
_OPEN_AT_REVISION = exists().where(
    Statement.id == bindparam("open_id"), Statement.state == State.SIGNON_OPEN.value,
    Statement.final_revision_id == bindparam("open_revision_id"),
    or_(Statement.signon_deadline.is_(None), Statement.signon_deadline > bindparam("open_now")))



class NotOpenAtRevision(SignOnClosed):
    """The statement was found closed, or at another final revision, as the sign-on was stored: nothing was."""


def _open_at_revision_values(statement: OpenStatement) -> dict:
    return {"open_id": statement.id, "open_revision_id": statement.revision_id, "open_now": utcnow()}


def _not_open() -> NotOpenAtRevision:
    return NotOpenAtRevision(_("Sign-on for this statement is closed, so no new signatures can be added."))


def sign(statement: Statement | OpenStatement, fields: dict, language: str = DEFAULT_LANGUAGE) \
        -> tuple[SignOn | SimpleNamespace | None, str | None]:
    """Record a sign-on from the public form, made in an interface language, and email its contact in that
    language; return it and its code, if it has one (None for the sign-on when the form repeated one still
    waiting for confirmation, which was changed instead). Stored in a transaction of the session, the sign-on is
    the session's `SignOn`; stored on a connection of its own (`_connection_to_sign_on`), its values as stored.

    Whatever is stored, the person sending the form gets the same answer (check your email), so
    that nobody can learn from the form which organizations signed; what differs goes by email to
    the address given, and to staff as a flagged duplicate. A new sign-on is stored only while the
    statement is open at the revision known here (else `NotOpenAtRevision`, with nothing stored).
    """
    if isinstance(statement, Statement):
        require_open(statement)
        statement = OpenStatement.of(statement)
    if not fields.get("authorized"):
        raise InvalidInput(_("Tick the box to confirm you may sign for this organization."), field="authorized")
    language = supported(language) or DEFAULT_LANGUAGE
    partner_link = campaign.active_link_for(statement, fields.get("via"))  # a made-up token brings nothing
    # its values, not yet a `SignOn`: the ORM's instrumented object costs more to fill than the rest of the
    # sign-on's work in Python, and only a transaction of the session goes on using it (`_store_with_mail`)
    signon = SimpleNamespace(statement_id=statement.id, revision_id=statement.revision_id, authorized=True,
                             status=SignOnStatus.PENDING.value, source="form", confirm_nonce=secrets.token_hex(8),
                             withdraw_nonce=secrets.token_hex(8), confirm_sent_at=utcnow(), code_attempts=0,
                             language=language, partner_link_id=partner_link.id if partner_link else None)
    answers = _filled(signon, fields)
    with _connection_to_sign_on() as connection:
        return _sign_on(connection, statement, signon, answers)


def _sign_on(connection, statement: OpenStatement, signon: SimpleNamespace, answers: dict) \
        -> tuple[SignOn | SimpleNamespace | None, str | None]:
    """`sign`'s writing, on `connection`, of a sign-on's values filled with the form's `answers`."""
    # only the same name is looked for here, and for every sign-on alike, so that storing one whose name is held
    # takes as long as any other; names that look alike are compared when the contact confirms (`confirm`)
    found = find_same_name(connection, statement, signon)
    if found is not None:  # (kept apart and flagged, if stored: the first to confirm wins)
        signon.possible_duplicate_of_id, signon.duplicate_reason = found.id, found.reason
    if found is not None and found.same_address and found.unconfirmed:  # the form sent twice, or corrected
        return None, _send_again_with_new_answers(connection, statement, found.id,
                                                  {**answers, "language": signon.language}, signon.partner_link_id)
    if found is not None and (found.publicly_named or found.same_address) and not found.unconfirmed:
        return _refuse_by_email(connection, statement, signon, found)
    code = _new_code(signon)
    stored = _store_with_mail(connection, signon, statement, "signon_confirm", confirm_nonce=signon.confirm_nonce,
                              withdraw_nonce=signon.withdraw_nonce, code=code)
    if stored is None:
        raise _not_open()
    return stored, code


@contextmanager
def _connection_to_sign_on():
    """The connection a sign-on is written on. In a transaction of the session already open, the session's: its
    caller commits, and the mail is delivered then. Otherwise one of its own, without the ORM's session (whose
    bookkeeping would cost more than the writing): there every way `sign` writes (a new sign-on, a refused one, a
    repeat's change) is one statement with its mail on PostgreSQL, committed by itself (a transaction's BEGIN and
    COMMIT would only add two round trips to each sign-on), and one transaction on SQLite, committed on leaving;
    a worker is then asked to deliver the mail, once for all the sign-ons of the same moment (`deliver_in_a_moment`:
    in a burst, hundreds a second). Nothing is written when an exception leaves it."""
    if in_session_transaction():
        yield db.session.connection()
        deliver_after_commit()
        return
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT")
        with connection.begin():
            yield connection
    deliver_in_a_moment()


def _filled(signon: SimpleNamespace, fields: dict) -> dict:
    """Fill a new sign-on with the form's answers; return them, column by column (what a repeat changes)."""
    before = set(signon.__dict__)
    _fill(signon, fields)
    return {key: signon.__dict__[key] for key in signon.__dict__.keys() - before}


def _send_again_with_new_answers(connection, statement: OpenStatement, earlier_id: int, answers: dict,
                                 partner_link_id: int | None = None) -> str | None:
    """The same address signs again before confirming: keep one sign-on, with the latest answers (and the
    language of the latest form); return the new code, if one was sent.

    A form sent twice in a row (a double click, a correction) does not send a second email, which
    would replace the link of the first; later, the signer gets a new link and code. The change is one
    UPDATE (on PostgreSQL with the new link's mail, in one statement), written only while the statement is
    open at its known revision and the earlier sign-on still waits (else `NotOpenAtRevision`, and the form is
    checked again against what is stored now): the answer takes about as long as a new sign-on's, so its
    timing does not tell that the address signed before.
    """
    nonce, code = secrets.token_hex(8), f"{secrets.randbelow(1_000_000):06d}"
    now = utcnow()
    values = {
        **{f"a_{key}": value for key, value in answers.items()}, **_open_at_revision_values(statement),
        "earlier_id": earlier_id, "partner_link_id": partner_link_id,
        "resend_before": now - RESEND_AFTER, "now": now, "nonce": nonce, "code_hash": _code_hash(nonce, code)}
    if connection.dialect.name == "postgresql":  # the change and its mail, if any, in one statement
        changed = _again_with_mail_statement(tuple(sorted(answers))).first(connection, {
            **values, "code": code, **mail_values("signon_confirm")})
        if changed is None:
            raise _not_open()
        return code if changed[0] == nonce else None
    changed = _quick_again_statement(tuple(sorted(answers))).first(connection, values)
    if changed is None:
        raise _not_open()
    confirm_nonce, withdraw_nonce, contact_email = changed[:3]
    if confirm_nonce != nonce:  # the first email's link still stands
        return None
    insert_mail_written_at_delivery(connection, contact_email, "signon_confirm", signon=earlier_id,
                                    confirm_nonce=nonce, withdraw_nonce=withdraw_nonce, code=code)
    return code


@cache
def _again_statement(columns: tuple):
    """UPDATE of a sign-on waiting for confirmation with a repeat's answers (`a_<column>`), the first link to
    bring it kept, a new link and code when the last were sent `RESEND_AFTER` ago or more: built once."""
    table = SignOn.__table__
    due = or_(table.c.confirm_sent_at.is_(None), table.c.confirm_sent_at <= bindparam("resend_before"))
    renewed = {"confirm_nonce": "nonce", "code_hash": "code_hash", "confirm_sent_at": "now"}
    return (update(table)
            .where(table.c.id == bindparam("earlier_id"), table.c.status == written(SignOnStatus.PENDING.value),
                   _OPEN_AT_REVISION)
            .values({**{key: bindparam(f"a_{key}", type_=table.c[key].type) for key in columns},
                     "partner_link_id": func.coalesce(table.c.partner_link_id, bindparam("partner_link_id")),
                     **{key: case((due, bindparam(name, type_=table.c[key].type)), else_=table.c[key])
                        for key, name in renewed.items()}})
            .returning(table.c.confirm_nonce, table.c.withdraw_nonce, table.c.contact_email, table.c.id))


@cache
def _quick_again_statement(columns: tuple) -> QuickStatement:
    return QuickStatement(_again_statement(columns))


@cache
def _again_with_mail_statement(columns: tuple) -> QuickStatement:
    """`_again_statement` with, when it renewed the link and code, their confirmation mail written at delivery, in
    the same statement (PostgreSQL): built once."""
    changed = _again_statement(columns).cte("changed")
    arguments = func.json_build_object(
        literal_column("'signon'"), changed.c.id, literal_column("'confirm_nonce'"), changed.c.confirm_nonce,
        literal_column("'withdraw_nonce'"), changed.c.withdraw_nonce,
        literal_column("'code'"), cast(bindparam("code"), Text))
    mail = mail_after(changed, changed.c.contact_email, cast(arguments, Text),
                      changed.c.confirm_nonce == bindparam("nonce")).cte("mail")
    return QuickStatement(select(changed.c.confirm_nonce, changed.c.withdraw_nonce, changed.c.contact_email)
                          .add_cte(mail))


def _refuse_by_email(connection, statement: OpenStatement, signon: SimpleNamespace,
                     found: Duplicate) -> tuple[SignOn | SimpleNamespace, None]:
    """Keep a sign-on whose name already signed as refused, for staff to see; tell only the address given.

    Only the earlier signatory's own address, or anyone when the earlier signature is on the
    public list already, learns that the organization signed; any other repeat gets an ordinary
    confirmation and is held for staff when confirmed. It is stored as a new sign-on is, in one INSERT with
    its mail (written at delivery), so that the answer takes as long as a new sign-on's: its timing does not
    tell the sender that an organization not named signed.
    """
    signon.status = SignOnStatus.REJECTED.value
    signon.moderation_note = REFUSED_AS_ALREADY_SIGNED.format(name=found.organization_name)
    signon.code_hash = ""  # no code, no link: this one can never be confirmed
    stored = _store_with_mail(connection, signon, statement, "signon_already_signed", same_address=found.same_address)
    if stored is None:
        raise _not_open()
    return stored, None


@writes_mail("signon_already_signed")
def _write_already_signed(queued: dict) -> tuple[str, str] | None:
    """The mail telling a refused sign-on's address that its organization signed already, in the language it
    signed in; None once that sign-on is deleted."""
    signon = db.session.get(SignOn, queued["signon"])
    if signon is None:
        return None
    shown = shown_to(db.session.get(Statement, signon.statement_id), signon)
    with force_locale(signon.language):
        subject = _("Your organization has already signed: %(title)s", title=shown.title)[:300]
        body = render_template("mail/signon_already_signed.txt", signon=signon, statement=shown,
                               same_address=queued["same_address"], link=external_url("signons.public", slug=shown.slug))
    return subject, body


def _new_code(signon: SignOn | SimpleNamespace) -> str:
    code = f"{secrets.randbelow(1_000_000):06d}"
    signon.code_hash = _code_hash(signon.confirm_nonce, code)
    return code


def shown_to(statement: Statement, signon: SignOn) -> Statement:
    """The version of a statement a signatory's mail names: the public one in their language, else the statement.
    (Links that carry a token keep the statement's own address, which stays valid whatever becomes of a version.)"""
    return public_version_in(statement, signon.language) or statement


def _send_confirmation(statement: Statement, signon: SignOn, code: str) -> None:
    """Queue the confirmation mail; it is written at delivery (`_write_confirmation`), with the links and code of
    this moment."""
    queue_mail_written_at_delivery(signon.contact_email, "signon_confirm", signon=signon.id,
                                   confirm_nonce=signon.confirm_nonce, withdraw_nonce=signon.withdraw_nonce,
                                   code=code)


def _store_with_mail(connection, signon: SimpleNamespace, statement: OpenStatement, writer: str,
                     **arguments) -> SignOn | SimpleNamespace | None:
    """Store a new sign-on's values on `connection` with a mail about it written at delivery (its confirmation, with
    the links and code of this moment), in one round trip where the database allows, while the statement is open at
    its known revision. Return it as stored (on the session's connection, a `SignOn` of the session; else its
    values), or None when it was not."""
    row = with_defaults(SignOn.__table__, vars(signon))
    row["id"] = insert_with_mail_written_at_delivery(
        connection, SignOn.__table__, row, signon.contact_email, writer, "signon", only_if=_OPEN_AT_REVISION,
        only_if_values=_open_at_revision_values(statement), **arguments)
    if row["id"] is None:
        return None
    if not (in_session_transaction() and connection is db.session.connection()):
        return SimpleNamespace(**row)
    stored = SignOn(**row)
    make_transient_to_detached(stored)  # stored as it is: nothing left for the session to write
    db.session.add(stored)
    return stored


@writes_mail("signon_confirm")
def _write_confirmation(queued: dict) -> tuple[str, str] | None:
    """The confirmation mail, in the language the signer signed in; None once the sign-on is deleted."""
    signon = db.session.get(SignOn, queued["signon"])
    if signon is None:
        return None
    statement = db.session.get(Statement, signon.statement_id)
    shown = shown_to(statement, signon)
    confirm = make_token("signon-confirm", {"s": signon.id, "n": queued["confirm_nonce"]})
    withdraw = make_token("signon-withdraw", {"s": signon.id, "n": queued["withdraw_nonce"]})
    with force_locale(signon.language):
        subject = _("Confirm your organization's signature: %(title)s", title=shown.title)[:300]
        body = render_template("mail/signon_confirm.txt", signon=signon, statement=shown, code=queued["code"],
                               days=CONFIRM_DAYS,
                               link=external_url("signons.confirm", slug=statement.slug, token=confirm),
                               code_link=external_url("signons.confirm_code", slug=statement.slug),
                               withdraw_link=external_url("signons.withdraw", slug=statement.slug, token=withdraw))
    return subject, body


@writes_mail("signon_approved")
def _write_approval(queued: dict) -> tuple[str, str] | None:
    """The mail telling a signatory its signature is listed, in the language it signed in; None when that is no
    longer so, or is so from a later approval (with a mail of its own): undone, rejected, withdrawn, deleted."""
    signon = db.session.get(SignOn, queued["signon"])
    if signon is None or signon.status != SignOnStatus.APPROVED.value or not _same_moment(
            signon.approved_at, datetime.fromisoformat(queued["approved_at"])):
        return None
    statement = db.session.get(Statement, signon.statement_id)
    shown = shown_to(statement, signon)
    with force_locale(signon.language):
        subject = _("Your signature is on “%(title)s”", title=shown.title)[:300]
        body = render_template("mail/signon_approved.txt", signon=signon, statement=shown,
                               link=external_url("signons.public", slug=shown.slug),
                               withdraw_link=external_url("signons.withdraw", slug=statement.slug,
                                                          token=withdraw_token(signon)))
    return subject, body


def _same_moment(stored: datetime | None, given: datetime) -> bool:
    """Whether a stored time is the one given (to the millisecond: a database may keep less than Python)."""
    if stored is None:
        return False
    if (stored.tzinfo is None) != (given.tzinfo is None):
        stored, given = stored.replace(tzinfo=None), given.replace(tzinfo=None)
    return abs(stored - given) < timedelta(milliseconds=1)


def resend_confirmation(statement: Statement, email: str) -> bool:
    """Send a fresh link (and code) to a sign-on still waiting for confirmation, or to a signatory
    asked to confirm a changed text, whose link may have expired; older links stop working.

    The link's life starts again, so a sign-on whose link expired can still be confirmed."""
    same_address = (SignOn.statement_id == statement.id, SignOn.email_key == duplicates.email_key(email))
    signon = db.session.scalar(select(SignOn).where(*same_address, SignOn.status == SignOnStatus.PENDING.value)
                               .order_by(SignOn.id.desc()).limit(1))
    if signon is not None:
        signon.confirm_nonce, signon.confirm_sent_at = secrets.token_hex(8), utcnow()
        _send_confirmation(statement, signon, _new_code(signon))
        return True
    if statement.final_revision_id is None:  # no final text: nobody can have been asked to confirm one
        return False
    asked_again = db.session.scalar(
        select(SignOn).where(*same_address, SignOn.status.in_(CONFIRMED_STATUSES),
                             SignOn.reconfirm_revision_id == statement.final_revision_id)
        .order_by(SignOn.id.desc()).limit(1))
    if asked_again is None:
        return False
    final = statement.final_revision
    changes = _changes_since_signed(asked_again, drafts.revision_text(final))
    _ask_to_confirm_again(statement, asked_again, final, changes)
    return True


# --- confirming and withdrawing -------------------------------------------------------------------

def signon_from_confirm_token(statement: Statement, token: str) -> SignOn:
    payload = read_token("signon-confirm", token, max_age_seconds=CONFIRM_DAYS * 24 * 3600)
    signon = db.session.get(SignOn, payload.get("s") or 0)
    if signon is None or signon.statement_id != statement.id:
        raise InvalidToken(_("This confirmation link is not valid. Check that you copied the whole address."))
    if signon.status == SignOnStatus.WITHDRAWN.value:
        raise InvalidToken(_("This signature was withdrawn, so its confirmation link no longer works. To sign "
                             "again, use the form on the statement's page."))
    if signon.status == SignOnStatus.REJECTED.value:
        raise InvalidToken(_("This sign-on was set aside by network staff, so its link no longer works. If that "
                             "seems wrong, reply to the email you received and staff will look into it."))
    # a used link may be opened again (it says "already confirmed"), but only the newest link confirms
    # a sign-on still waiting, and only the link sent with the changes agrees to a changed text
    if signon.confirm_nonce != payload.get("n") and (signon.status == SignOnStatus.PENDING.value
                                                      or signon.reconfirm_revision_id is not None):
        raise InvalidToken(_("This confirmation link was replaced by a newer one. Use the link in the latest email."))
    return signon


def confirm(signon: SignOn) -> str:
    """Confirm a sign-on (once); return what became of it: confirmed, approved, or already."""
    statement = signon.statement
    if signon.reconfirm_revision_id:  # confirming the newer final text
        signon.revision_id, signon.reconfirm_revision_id = signon.reconfirm_revision_id, None
        signon.confirm_nonce = secrets.token_hex(8)
        _invalidate_counts(statement.id)
        return "reconfirmed"
    if signon.status != SignOnStatus.PENDING.value:
        return "already"
    signon.confirmed_at = utcnow()
    signon.confirm_nonce = secrets.token_hex(8)  # the link is used up
    holder = _name_holder(signon)
    if holder is not None:  # another sign-on of this name was confirmed first: staff decide between them
        signon.status = SignOnStatus.CONFIRMED.value
        signon.possible_duplicate_of_id, signon.duplicate_reason = holder, "the same name, confirmed first"
    elif statement.signon_requires_approval:
        signon.status = SignOnStatus.CONFIRMED.value
    else:
        signon.status, signon.approved_at = SignOnStatus.APPROVED.value, utcnow()
    if signon.possible_duplicate_of_id is None:
        # a sign-on from the form is compared with look-alikes here, once its contact stands by it and before
        # staff decide on it (storing it looked only for the same name)
        flag_if_duplicate(statement, signon, earlier_only=True)
    if signon.status == SignOnStatus.CONFIRMED.value:
        notifications.notify(SIGNONS_WAITING, statement, count=waiting_count(statement))
    if signon.revision_id != statement.final_revision_id:
        # the final text changed while this confirmation waited: the signature stands for the text
        # it was given to, shown as such on the list, until the changes are read and agreed to
        final = statement.final_revision
        _ask_to_confirm_again(statement, signon, final, _changes_since_signed(signon, drafts.revision_text(final)))
    _invalidate_counts(statement.id)
    return signon.status


def waiting_count(statement: Statement) -> int:
    """How many confirmed sign-ons wait for a decision."""
    return db.session.scalar(select(func.count()).select_from(SignOn).where(
        SignOn.statement_id == statement.id, SignOn.status == SignOnStatus.CONFIRMED.value)) or 0


def _name_holder(signon: SignOn, statuses=CONFIRMED_STATUSES) -> int | None:
    """The id of another sign-on of the same name in one of these statuses (approved first), if any."""
    return db.session.scalar(
        select(SignOn.id).where(SignOn.statement_id == signon.statement_id, SignOn.name_key == signon.name_key,
                                SignOn.id != signon.id, SignOn.status.in_(statuses))
        .order_by((SignOn.status == SignOnStatus.APPROVED.value).desc(), SignOn.id).limit(1))


def confirm_by_code(statement: Statement, email: str, code: str) -> SignOn:
    """Find the sign-on waiting at this address whose code this is; count a wrong try against it.

    A code works as long as its link (CONFIRM_DAYS), and for at most CODE_ATTEMPTS wrong tries
    from any address; the answer to a wrong, expired or used-up code is the same.
    """
    signon = db.session.scalar(
        select(SignOn).where(SignOn.statement_id == statement.id, SignOn.email_key == duplicates.email_key(email),
                             SignOn.status == SignOnStatus.PENDING.value).order_by(SignOn.id.desc()).limit(1)
        .with_for_update()
    )
    if signon is None:
        raise InvalidInput(wrong_code(), field="code")
    usable = (signon.code_attempts or 0) < CODE_ATTEMPTS and (signon.confirm_sent_at or signon.created_at) >= confirmation_cutoff()
    if usable and _code_matches(signon, code):
        return signon
    signon.code_attempts = (signon.code_attempts or 0) + 1  # kept even though the answer is a refusal
    raise InvalidInput(wrong_code(), field="code")


def signon_from_withdraw_token(statement: Statement, token: str) -> SignOn:
    payload = read_token("signon-withdraw", token, max_age_seconds=None)
    signon = db.session.get(SignOn, payload.get("s") or 0)
    if signon is None or signon.statement_id != statement.id or signon.withdraw_nonce != payload.get("n"):
        raise InvalidToken(_("This withdrawal link is not valid. Use the link from your confirmation email."))
    return signon


def withdraw(signon: SignOn) -> bool:
    """Take a signature back; it leaves the public list at once. Return False if it already was."""
    if signon.status == SignOnStatus.WITHDRAWN.value:
        return False
    signon.status, signon.withdrawn_at = SignOnStatus.WITHDRAWN.value, utcnow()
    record(None, "signon.withdrawn", signon, f"{signon.organization_name} withdrew its signature",
           group_id=signon.statement.group_id)
    _invalidate_counts(signon.statement_id)
    return True


# --- moderation -----------------------------------------------------------------------------------

@dataclass
class Decision:
    """What a moderation step changed, and the sign-ons it left as they were, with why."""

    changed: int = 0
    #: names that could not be approved because the same name is approved already
    name_taken: list[str] = field(default_factory=list)


def decide(actor: User, signons: list[SignOn], approve: bool, note: str = "", batch: str = "") -> Decision:
    """Approve or reject sign-ons (reject also those never confirmed); approving emails the contact.

    `batch` names this decision in the audit log, so that it can be undone as one (see moderation.py)."""
    result = Decision()
    target = SignOnStatus.APPROVED if approve else SignOnStatus.REJECTED
    allowed = set(CONFIRMED_STATUSES) | {SignOnStatus.REJECTED.value}
    if not approve:
        allowed.add(SignOnStatus.PENDING.value)  # an unconfirmed sign-on may hold a name someone else needs
    for signon in signons:
        if signon.status not in allowed or signon.status == target.value:
            continue
        if approve and _name_holder(signon, (SignOnStatus.APPROVED.value,)) is not None:
            result.name_taken.append(signon.organization_name)
            continue
        _apply_decision(actor, signon, target, note, batch)
        result.changed += 1
    if result.changed and signons:
        _invalidate_counts(signons[0].statement_id)
    return result


def _apply_decision(actor: User, signon: SignOn, target: SignOnStatus, note: str, batch: str = "") -> None:
    approve = target == SignOnStatus.APPROVED
    # what undoing the decision puts back (moderation.undo_last_decision reads these details)
    before = {"previous": signon.status, "previous_decider": signon.decided_by_id}
    signon.status, signon.decided_by_id = target.value, actor.id
    if note:
        signon.moderation_note = note.strip()[:1000]
    if approve:
        signon.approved_at = utcnow()
        # written as it goes out: an approval undone (or the sign-on withdrawn) before then sends nothing
        queue_mail_written_at_delivery(signon.contact_email, "signon_approved", signon=signon.id,
                                       approved_at=signon.approved_at.isoformat())
    record(actor, f"signon.{target.value}", signon,
           f"{'Approved' if approve else 'Rejected'} the sign-on of {signon.organization_name}",
           group_id=signon.statement.group_id, note=note[:200], batch=batch, **before)


def delete_unconfirmed(actor: User, signons: list[SignOn]) -> int:
    """Delete sign-ons never confirmed by their contact (nothing of them was ever counted); return how many."""
    deleted = 0
    for signon in signons:
        if signon.status != SignOnStatus.PENDING.value:
            continue
        record(actor, "signon.deleted", signon, f"Deleted the unconfirmed sign-on of {signon.organization_name}",
               group_id=signon.statement.group_id)
        db.session.execute(update(SignOn).where(SignOn.possible_duplicate_of_id == signon.id)
                           .values(possible_duplicate_of_id=None))
        db.session.delete(signon)
        deleted += 1
    db.session.flush()
    return deleted


def is_expired(signon: SignOn) -> bool:
    """Say whether a sign-on waited for confirmation longer than its link lives: it holds nothing."""
    sent = signon.confirm_sent_at or signon.created_at
    return signon.status == SignOnStatus.PENDING.value and sent < confirmation_cutoff()


def moderation_query(statement: Statement, status: str | None, country: str | None, flagged: bool, text: str | None,
                     unnamed: bool = True):
    """The sign-ons of a statement for moderation, newest first. Without `unnamed` (for someone who may not
    know who they are), a search by country or text leaves out the organizations counted without being
    named, so that finding one would not tell where it is or what it is called."""
    query = select(SignOn).where(SignOn.statement_id == statement.id).order_by(SignOn.created_at.desc())
    if not unnamed and (country or text):
        query = query.where(SignOn.visibility != Visibility.COUNT_ONLY.value)
    if status in {s.value for s in SignOnStatus}:
        query = query.where(SignOn.status == status)
    if country:
        query = query.where(SignOn.country == country)
    if flagged:
        query = query.where(SignOn.possible_duplicate_of_id.is_not(None))
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(SignOn.organization_name.ilike(pattern, escape="\\"),
                                SignOn.contact_email.ilike(pattern, escape="\\")))
    return query


def contacts_query(statement: Statement, unnamed: bool):
    """Every sign-on of a statement with its contacts, in the order they came; without `unnamed`, none of the
    organizations counted without being named."""
    query = select(SignOn).where(SignOn.statement_id == statement.id).order_by(SignOn.id)
    if not unnamed:
        query = query.where(SignOn.visibility != Visibility.COUNT_ONLY.value)
    return query.options(selectinload(SignOn.revision))


def counted_only_names(statement: Statement, names: set[str]) -> set[str]:
    """Those of these names that belong to an organization of this statement counted without being named."""
    if not names:
        return set()
    return set(db.session.scalars(select(SignOn.organization_name).where(
        SignOn.statement_id == statement.id, SignOn.visibility == Visibility.COUNT_ONLY.value,
        SignOn.organization_name.in_(names))))


# --- counting and listing -------------------------------------------------------------------------

_COUNTS_KEY = "statements.signon_counts"
_REFRESHING_KEY = "statements.signon_counts_refreshing"


def _counts_cache() -> dict[int, dict[str, tuple[float, object]]]:
    """Counts kept by this app (one app, one database), per statement: each kept value by its name."""
    return current_app.extensions.setdefault(_COUNTS_KEY, {})


#: where the app keeps its public pages (`views.public_pages`), and apart, the pages of its lists of signatories
#: (`views.signatory_pages`: walking a long list must not push the sign-on pages out)
PUBLIC_PAGES_KEY = "statements.public_pages"
SIGNATORY_PAGES_KEY = "statements.signatory_pages"
#: the session's flag that something public pages show changed: committed, the pages kept are checked again
PUBLIC_PAGES_CHANGED = "public_pages_changed"


def _invalidate_counts(statement_id: int) -> None:
    _counts_cache().pop(statement_id, None)
    db.session.info[PUBLIC_PAGES_CHANGED] = True


def forget_counts(app=None) -> None:
    """Drop every count an app keeps (after changes made behind its back, as tests do)."""
    extensions = (app or current_app).extensions
    extensions.get(_COUNTS_KEY, {}).clear()
    for key in (PUBLIC_PAGES_KEY, SIGNATORY_PAGES_KEY):  # the pages that show them are checked again too
        if key in extensions:
            extensions[key].forget_recent()


def _refreshing() -> tuple[threading.Lock, set]:
    """The values some thread of this process is computing again, and the lock that guards them."""
    return current_app.extensions.setdefault(_REFRESHING_KEY, (threading.Lock(), set()))


def kept(statement: Statement, name: str, compute):
    """A value read from a statement's sign-ons (`compute()`), kept in this process for COUNT_CACHE_SECONDS
    and dropped at once when this process changes a sign-on of the statement.

    Once it has expired, the first request to find it so computes it again; requests arriving meanwhile
    (the other threads of the process) keep the value it replaces rather than computing it too, so that
    a statement with many sign-ons costs one read per process and per few seconds, however busy."""
    values = _counts_cache().setdefault(statement.id, {})
    found = values.get(name)
    asked = time.monotonic()
    if found is not None and asked - found[0] < COUNT_CACHE_SECONDS:
        return found[1]
    slot = (statement.id, name)
    lock, refreshing = _refreshing()
    with lock:
        if found is not None and COUNT_CACHE_SECONDS > 0 and slot in refreshing:
            return found[1]
        refreshing.add(slot)
    try:
        value = compute()
    finally:
        with lock:
            refreshing.discard(slot)
    # (kept from the moment it was asked for: a change committed while it was read is not older than its age)
    _counts_cache().setdefault(statement.id, {})[name] = (asked, value)
    return value


def counts(statement: Statement) -> dict:
    """Approved sign-ons in all, by country and by type: computed in one query, and kept for a few seconds.

    Each breakdown counts only the sign-ons that let that much be shown (as appearance decides): an
    organization counted without being listed is in the total alone, and one listed by country only
    is not in the count by type.
    """
    return kept(statement, "counts", lambda: _counts(statement.id))


def _counts(statement_id: int) -> dict:
    groups = db.session.execute(
        select(SignOn.visibility, SignOn.country, SignOn.org_type, func.count())
        .where(SignOn.statement_id == statement_id, SignOn.status == SignOnStatus.APPROVED.value)
        .group_by(SignOn.visibility, SignOn.country, SignOn.org_type)).all()
    total, by_country, by_type = 0, {}, {}
    for visibility, country, org_type, number in groups:
        total += number
        if visibility in appearance.LISTED:
            by_country[country] = by_country.get(country, 0) + number
        if visibility in appearance.NAMED:
            by_type[org_type] = by_type.get(org_type, 0) + number
    return {
        "total": total,
        "by_country": sorted(((country_name(c), c, n) for c, n in by_country.items()), key=lambda r: (-r[2], r[0])),
        "by_type": sorted(by_type.items(), key=lambda r: (-r[1], r[0] or "")),
    }


def list_is_public(statement: Statement) -> bool:
    return _list_is_public(statement.signon_list_hidden, statement.state)


def _list_is_public(list_hidden: bool, state: str) -> bool:
    """Whether a statement's list of signatories is public: unless kept private until it is published."""
    return not list_hidden or state == State.PUBLISHED


def _listed(statement: Statement, country: str | None):
    """The conditions of the public list: approved sign-ons that may be listed (named or by country)."""
    conditions = [SignOn.statement_id == statement.id, SignOn.status == SignOnStatus.APPROVED.value,
                  SignOn.visibility.in_(appearance.LISTED)]
    if country:
        conditions.append(SignOn.country == country)
    return conditions


def public_query(statement: Statement, country: str | None = None):
    """The public list in English, by country then name: the order kept on each row (the root collation,
    which is English's), so that a page is read off an index."""
    return select(SignOn).where(*_listed(statement, country)).order_by(
        SignOn.country_sort, SignOn.visibility, SignOn.sort_key, SignOn.id).options(selectinload(SignOn.revision))


def public_ids_in(statement: Statement, language: str, country: str | None = None) -> list[int]:
    """The public list's ids in the alphabetical order of a reader's language: countries by their names in
    it, then names as its readers sort them (in Spanish ñ after n; for Arabic readers, Arabic script first)."""
    rows = db.session.execute(select(SignOn.id, SignOn.country, SignOn.visibility, SignOn.organization_name)
                              .where(*_listed(statement, country))).all()
    country_keys = {code: collation.sort_key(country_name(code, language), language) for code in {r[1] for r in rows}}
    key = collation.sort_key
    rows.sort(key=lambda r: (country_keys[r[1]], r[2], key(r[3], language), r[0]))
    return [row[0] for row in rows]


def signons_by_ids(ids: list[int]) -> list[SignOn]:
    """The sign-ons with these ids, in the order given."""
    found = {s.id: s for s in db.session.scalars(select(SignOn).where(SignOn.id.in_(ids))
                                                 .options(selectinload(SignOn.revision)))}
    return [found[i] for i in ids if i in found]


def public_rows(statement: Statement) -> list[SignOn]:
    """Every approved sign-on the public may see (for downloads), or none while the list is private."""
    if not list_is_public(statement):
        return []
    return db.session.scalars(public_query(statement)).all()


def public_entry(signon: SignOn, language: str = ENGLISH) -> dict | None:
    """What the public may see of a sign-on (as appearance decides), or None when it is not listed:
    never contact details. Its words are in a language: the page's, or English for the open data."""
    in_country = appearance.IN_COUNTRY
    if language != ENGLISH:
        with force_locale(language):
            # appearance puts the country in with str.format, whatever the language
            in_country = _("An organization in %(country)s", country="{country}")
    shown = appearance.appearance(signon.visibility, signon.organization_name, signon.country, signon.org_type,
                                  signon.website, in_country=in_country,
                                  country_label=lambda code: country_name(code, language))
    if shown is None:
        return None
    needs_reconfirm = signon.reconfirm_revision_id is not None
    return {
        "name": shown.name,
        "country": shown.country,
        "country_name": country_name(shown.country, language),
        "type": shown.org_type,
        "website": shown.website,
        "signed_revision": signon.revision.number if needs_reconfirm else None,
    }


def daily_series(statement: Statement) -> list[tuple[str, int]]:
    """Approved sign-ons per day (by the day they signed), for the chart and open data."""
    day = func.date(SignOn.created_at)
    rows = db.session.execute(
        select(day, func.count()).where(SignOn.statement_id == statement.id,
                                        SignOn.status == SignOnStatus.APPROVED.value).group_by(day).order_by(day)
    ).all()
    return [(str(d), n) for d, n in rows]


# --- entered by staff -----------------------------------------------------------------------------

UNCONFIRMED_HOLDER = "not confirmed by its contact"


def mark_duplicates(statement: Statement, rows: list) -> None:
    """Say, for each row staff want to add, whether it repeats an earlier row or an existing sign-on."""
    seen: dict[str, int] = {}
    for row in rows:
        if row.problems:
            continue
        key = duplicates.name_key(row.fields["organization_name"])
        if key in seen:
            row.duplicate_of, row.duplicate_reason = _("line %(number)s", number=seen[key]), "the same name"
            continue
        seen[key] = row.line
        probe = SignOn(statement_id=statement.id)
        _fill(probe, row.fields)
        found = find_duplicate(statement, probe)
        if found is None:
            continue
        row.duplicate_of = found.organization_name
        if found.exact and found.unconfirmed:  # staff may replace it: its contact never confirmed
            row.duplicate_reason, row.replaces_id = UNCONFIRMED_HOLDER, found.id
        else:
            row.duplicate_reason = "has already signed" if found.exact else found.reason


def add_by_staff(actor: User, statement: Statement, rows: list, visibility: str,
                 replace_unconfirmed: bool = False) -> int:
    """Add the rows without problems and not already signed, approved at once (staff vouch for them).

    A row whose name is held only by an unconfirmed sign-on replaces it when staff ask (that one is
    rejected, with a note), and is left out otherwise.
    """
    if statement.state not in (State.SIGNON_OPEN.value, State.SIGNON_CLOSED.value):
        raise InvalidInput(_("Sign-ons can be added once sign-on has opened."))
    added = 0
    # the organization answered a call in the statement's language: its later mail is in it
    language = supported(statement.language) or DEFAULT_LANGUAGE
    for row in rows:
        if row.problems or row.duplicate_reason in ("the same name", "has already signed"):
            continue
        if row.duplicate_reason == UNCONFIRMED_HOLDER:
            if not replace_unconfirmed:
                continue
            _replace_unconfirmed(actor, statement, row.replaces_id)
        signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                        source="staff", confirm_nonce=secrets.token_hex(8), withdraw_nonce=secrets.token_hex(8),
                        status=SignOnStatus.APPROVED.value, confirmed_at=utcnow(), approved_at=utcnow(),
                        decided_by_id=actor.id, language=language)
        _fill(signon, dict(row.fields, visibility=visibility))
        if row.held_for_staff:
            signon.status, signon.approved_at = SignOnStatus.CONFIRMED.value, None
        if row.held_for_staff or (row.duplicate_reason and row.duplicate_reason != UNCONFIRMED_HOLDER):
            flag_if_duplicate(statement, signon)
        db.session.add(signon)
        db.session.flush()
        added += 1
    record(actor, "signon.added_by_staff", statement, f"Added {added} sign-ons by hand to “{statement.title}”",
           group_id=statement.group_id, count=added)
    _invalidate_counts(statement.id)
    return added


def _replace_unconfirmed(actor: User, statement: Statement, signon_id: int | None) -> None:
    signon = db.session.get(SignOn, signon_id or 0)
    if signon is None or signon.statement_id != statement.id or signon.status != SignOnStatus.PENDING.value:
        return  # confirmed or gone meanwhile: the unique index and the preview take it from here
    _apply_decision(actor, signon, SignOnStatus.REJECTED, REPLACED_BY_STAFF_ENTRY)
