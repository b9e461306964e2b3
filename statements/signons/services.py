"""Sign-ons: open and close sign-on, sign, confirm, withdraw, moderate, count and list."""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import selectinload

from statements.accounts.models import User
from statements.audit.services import record
from statements.core.countries import country_name
from statements.core.db import utcnow
from statements.core.errors import Conflict, InvalidInput, InvalidToken, NotAllowed
from statements.core.tokens import make_token, read_token
from statements.core.urls import external_url
from statements.drafts import services as drafts
from statements.drafts.models import State, Statement
from statements.extensions import db
from statements.mail.services import queue_mail
from statements.signons import appearance, duplicates
from statements.signons.models import ACTIVE_STATUSES, SignOn, SignOnStatus, Visibility

CONFIRM_DAYS = 7
COUNT_CACHE_SECONDS = 5
ALREADY_SIGNED = ("Your organization has already signed this statement (perhaps under a slightly different "
                  "spelling), so it was not added again. If you did not get the confirmation email, use "
                  "“Send the confirmation again” below.")


# --- opening and closing -----------------------------------------------------------------------

def parse_deadline(date_text: str, time_text: str, zone: str) -> datetime | None:
    """Read a deadline given as a date, a time and a time zone; return it in UTC."""
    if not date_text:
        return None
    try:
        local = datetime.strptime(f"{date_text} {time_text or '23:59'}", "%Y-%m-%d %H:%M")
        tz = ZoneInfo(zone)
    except (ValueError, KeyError):
        raise InvalidInput("Give the deadline as a date and a time, with a time zone from the list.",
                           field="deadline_date") from None
    return local.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))


def open_signon(actor: User, statement: Statement, deadline: datetime | None, timezone: str,
                requires_approval: bool, closing_message: str, hide_list: bool) -> int:
    """Open sign-on on the final text; return how many earlier signatories are asked to confirm again."""
    if statement.state_enum not in (State.FINAL, State.SIGNON_CLOSED):
        raise Conflict("Sign-on can only open on a final text. Freeze a revision as final first.")
    if deadline is not None and deadline <= utcnow():
        raise InvalidInput("The deadline has already passed. Choose a later date, or none.", field="deadline_date")
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
    for signon in earlier:
        if signon.reconfirm_revision_id != final.id:
            _ask_to_confirm_again(statement, signon, final, new_text)
    return len(earlier)


def _ask_to_confirm_again(statement: Statement, signon: SignOn, final, new_text: str) -> None:
    """Email a signatory what changed since the text they signed, with a link to sign the new one."""
    diff = drafts.word_diff(drafts.revision_text(signon.revision), new_text)
    signon.reconfirm_revision_id = final.id
    signon.confirm_nonce = secrets.token_hex(8)
    queue_mail(signon.contact_email, f"The statement “{statement.title}” has changed: please confirm again",
               "signon_reconfirm", signon=signon, statement=statement, changes=_changes_text(diff.ops),
               link=external_url("signons.confirm", slug=statement.slug, token=confirm_token(signon)),
               withdraw_link=external_url("signons.withdraw", slug=statement.slug, token=withdraw_token(signon)))


def _changes_text(ops) -> str:
    """Describe a diff in plain text for an email: [-removed-] {+added+}."""
    pieces = []
    for op, text in ops:
        pieces.append(text if op == 0 else (f"[-{text}-]" if op < 0 else f"{{+{text}+}}"))
    return "".join(pieces)


# --- signing -------------------------------------------------------------------------------------

class SignOnClosed(NotAllowed):
    title = "Sign-on is closed"


def require_open(statement: Statement) -> None:
    if close_if_past_deadline(statement):
        db.session.commit()
    if statement.state != State.SIGNON_OPEN:
        raise SignOnClosed("Sign-on for this statement is closed, so no new signatures can be added."
                           + (f" {statement.signon_closing_message}" if statement.signon_closing_message else ""))


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


def _fill(signon: SignOn, fields: dict) -> None:
    name = " ".join(fields["organization_name"].split())
    signon.organization_name = name
    signon.name_key = duplicates.name_key(name)[:200] or duplicates.fold(name)[:200] or name.casefold()[:200]
    signon.first_word = (signon.name_key.split() or [""])[0][:60]
    signon.acronym = duplicates.acronym(name)[:30]
    signon.sort_key = duplicates.fold(name)[:200]
    signon.country, signon.org_type = fields["country"], fields["org_type"]
    signon.country_sort = duplicates.fold(country_name(signon.country))[:80]
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


def _duplicate_candidates_query():
    """The query behind `find_duplicate`, built once: building it anew took longer than running it.

    A condition that does not apply gets a NULL, which matches nothing. Only the compared columns
    are read, as a common first word ("association") can bring up to 200 candidates; the same name
    comes first so that the limit never hides it.
    """
    key = bindparam("name_key")
    return (select(SignOn.id, SignOn.name_key, SignOn.organization_name, SignOn.contact_email)
            .where(SignOn.statement_id == bindparam("statement_id"), SignOn.status.in_(ACTIVE_STATUSES),
                   SignOn.id != bindparam("signon_id"),
                   or_(SignOn.name_key == key, SignOn.email_key == bindparam("email_key"),
                       SignOn.first_word == bindparam("first_word"), SignOn.email_domain == bindparam("email_domain"),
                       SignOn.name_key == bindparam("acronym"), SignOn.acronym == bindparam("compact")))
            .order_by((SignOn.name_key == key).desc(), SignOn.id).limit(200))


_DUPLICATE_CANDIDATES = _duplicate_candidates_query()


def find_duplicate(statement: Statement, signon: SignOn) -> Duplicate | None:
    """Look, in one query, among this statement's active sign-ons for the same organization: first one
    with the same name key (which the database refuses to store twice), else one that looks alike."""
    compact = signon.name_key.replace(" ", "")
    candidates = db.session.execute(_DUPLICATE_CANDIDATES, {
        "statement_id": statement.id, "signon_id": signon.id or 0, "name_key": signon.name_key,
        "email_key": signon.email_key, "first_word": signon.first_word, "email_domain": signon.email_domain or None,
        "acronym": signon.acronym or None, "compact": compact if 2 <= len(compact) <= 30 else None,
    })
    with candidates:  # often left before the last row
        return _first_duplicate(signon, candidates)


def _first_duplicate(signon: SignOn, candidates) -> Duplicate | None:
    mine = duplicates.Signature(signon.organization_name, signon.contact_email)
    for other_id, other_key, other_name, other_email in candidates:
        if other_key == signon.name_key:
            return Duplicate(other_id, other_name, "the same name", exact=True)
        reason = duplicates.likely_same(mine, duplicates.Signature(other_name, other_email))
        if reason:
            return Duplicate(other_id, other_name, reason, exact=False)
    return None


def flag_if_duplicate(statement: Statement, signon: SignOn) -> Duplicate | None:
    """Mark a sign-on as a possible duplicate for staff when it looks like an earlier one; return what was found."""
    found = find_duplicate(statement, signon)
    if found is not None and not found.exact:
        signon.possible_duplicate_of_id, signon.duplicate_reason = found.id, found.reason
    return found


def sign(statement: Statement, fields: dict) -> tuple[SignOn, str]:
    """Record a sign-on from the public form, pending until confirmed; return it and its short code."""
    require_open(statement)
    if not fields.get("authorized"):
        raise InvalidInput("Tick the box to confirm you may sign for this organization.", field="authorized")
    signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                    status=SignOnStatus.PENDING.value, source="form", confirm_nonce=secrets.token_hex(8),
                    withdraw_nonce=secrets.token_hex(8))
    _fill(signon, fields)
    found = flag_if_duplicate(statement, signon)
    if found is not None and found.exact:
        raise InvalidInput(ALREADY_SIGNED, field="organization_name")
    code = _new_code(signon)
    db.session.add(signon)
    db.session.flush()  # the emailed links carry the new row's id
    _send_confirmation(statement, signon, code)
    return signon, code


def _new_code(signon: SignOn) -> str:
    code = f"{secrets.randbelow(1_000_000):06d}"
    signon.code_hash = _code_hash(signon.confirm_nonce, code)
    return code


def _send_confirmation(statement: Statement, signon: SignOn, code: str) -> None:
    queue_mail(signon.contact_email, f"Confirm your organization's signature: {statement.title}"[:300],
               "signon_confirm", signon=signon, statement=statement, code=code, days=CONFIRM_DAYS,
               link=external_url("signons.confirm", slug=statement.slug, token=confirm_token(signon)),
               code_link=external_url("signons.confirm_code", slug=statement.slug),
               withdraw_link=external_url("signons.withdraw", slug=statement.slug, token=withdraw_token(signon)))


def resend_confirmation(statement: Statement, email: str) -> bool:
    """Send a fresh link (and code) to a sign-on still waiting for confirmation, or to a signatory
    asked to confirm a changed text, whose link may have expired; older links stop working."""
    same_address = (SignOn.statement_id == statement.id, SignOn.email_key == duplicates.email_key(email))
    signon = db.session.scalar(select(SignOn).where(*same_address, SignOn.status == SignOnStatus.PENDING.value)
                               .order_by(SignOn.id.desc()).limit(1))
    if signon is not None:
        signon.confirm_nonce = secrets.token_hex(8)
        _send_confirmation(statement, signon, _new_code(signon))
        return True
    if statement.final_revision_id is None:  # no final text: nobody can have been asked to confirm one
        return False
    asked_again = db.session.scalar(
        select(SignOn).where(*same_address, SignOn.status.in_(ACTIVE_STATUSES),
                             SignOn.reconfirm_revision_id == statement.final_revision_id)
        .order_by(SignOn.id.desc()).limit(1))
    if asked_again is None:
        return False
    final = statement.final_revision
    _ask_to_confirm_again(statement, asked_again, final, drafts.revision_text(final))
    return True


# --- confirming and withdrawing -------------------------------------------------------------------

def signon_from_confirm_token(statement: Statement, token: str) -> SignOn:
    payload = read_token("signon-confirm", token, max_age_seconds=CONFIRM_DAYS * 24 * 3600)
    signon = db.session.get(SignOn, payload.get("s") or 0)
    if signon is None or signon.statement_id != statement.id:
        raise InvalidToken("This confirmation link is not valid. Check that you copied the whole address.")
    if signon.status == SignOnStatus.WITHDRAWN.value:
        raise InvalidToken("This signature was withdrawn, so its confirmation link no longer works. To sign "
                           "again, use the form on the statement's page.")
    # a used link may be opened again (it says "already confirmed"), but only the newest link confirms
    # a sign-on still waiting, and only the link sent with the changes agrees to a changed text
    if signon.confirm_nonce != payload.get("n") and (signon.status == SignOnStatus.PENDING.value
                                                      or signon.reconfirm_revision_id is not None):
        raise InvalidToken("This confirmation link was replaced by a newer one. Use the link in the latest email.")
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
    if statement.signon_requires_approval:
        signon.status = SignOnStatus.CONFIRMED.value
    else:
        signon.status, signon.approved_at = SignOnStatus.APPROVED.value, utcnow()
    if signon.revision_id != statement.final_revision_id:
        # the final text changed while this confirmation waited: the signature stands for the text
        # it was given to, shown as such on the list, until the changes are read and agreed to
        final = statement.final_revision
        _ask_to_confirm_again(statement, signon, final, drafts.revision_text(final))
    _invalidate_counts(statement.id)
    return signon.status


def confirm_by_code(statement: Statement, email: str, code: str) -> SignOn:
    signon = db.session.scalar(
        select(SignOn).where(SignOn.statement_id == statement.id, SignOn.email_key == duplicates.email_key(email),
                             SignOn.status == SignOnStatus.PENDING.value).order_by(SignOn.id.desc()).limit(1)
    )
    if signon is None or not _code_matches(signon, code):
        raise InvalidInput("That code does not match a sign-on waiting for confirmation at this address. Check "
                           "the six digits in the latest email.", field="code")
    return signon


def signon_from_withdraw_token(statement: Statement, token: str) -> SignOn:
    payload = read_token("signon-withdraw", token, max_age_seconds=None)
    signon = db.session.get(SignOn, payload.get("s") or 0)
    if signon is None or signon.statement_id != statement.id or signon.withdraw_nonce != payload.get("n"):
        raise InvalidToken("This withdrawal link is not valid. Use the link from your confirmation email.")
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

def decide(actor: User, signons: list[SignOn], approve: bool, note: str = "") -> int:
    """Approve or reject confirmed sign-ons; approving emails the contact. Return how many changed."""
    changed = 0
    for signon in signons:
        if signon.status not in (SignOnStatus.CONFIRMED.value, SignOnStatus.APPROVED.value,
                                 SignOnStatus.REJECTED.value):
            continue
        target = SignOnStatus.APPROVED if approve else SignOnStatus.REJECTED
        if signon.status == target.value:
            continue
        signon.status, signon.decided_by_id = target.value, actor.id
        if note:
            signon.moderation_note = note.strip()[:1000]
        if approve:
            signon.approved_at = utcnow()
            queue_mail(signon.contact_email, f"Your signature is on “{signon.statement.title}”"[:300],
                       "signon_approved", signon=signon, statement=signon.statement,
                       link=external_url("signons.public", slug=signon.statement.slug),
                       withdraw_link=external_url("signons.withdraw", slug=signon.statement.slug,
                                                  token=withdraw_token(signon)))
        record(actor, f"signon.{target.value}", signon,
               f"{'Approved' if approve else 'Rejected'} the sign-on of {signon.organization_name}",
               group_id=signon.statement.group_id, note=note[:200])
        changed += 1
    if changed and signons:
        _invalidate_counts(signons[0].statement_id)
    return changed


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


def _counts_cache() -> dict[int, tuple[float, dict]]:
    """Counts kept by this app (one app, one database), per statement."""
    return current_app.extensions.setdefault(_COUNTS_KEY, {})


def _invalidate_counts(statement_id: int) -> None:
    _counts_cache().pop(statement_id, None)


def forget_counts(app=None) -> None:
    """Drop every count an app keeps (after changes made behind its back, as tests do)."""
    (app or current_app).extensions.get(_COUNTS_KEY, {}).clear()


def counts(statement: Statement) -> dict:
    """Approved sign-ons in all, by country and by type: computed, and kept for a few seconds.

    Each breakdown counts only the sign-ons that let that much be shown (as appearance decides): an
    organization counted without being listed is in the total alone, and one listed by country only
    is not in the count by type.
    """
    cache = _counts_cache()
    cached = cache.get(statement.id)
    if cached and time.monotonic() - cached[0] < COUNT_CACHE_SECONDS:
        return cached[1]
    approved = (SignOn.statement_id == statement.id, SignOn.status == SignOnStatus.APPROVED.value)
    total = db.session.scalar(select(func.count()).select_from(SignOn).where(*approved))
    by_country = dict(db.session.execute(
        select(SignOn.country, func.count())
        .where(*approved, SignOn.visibility.in_(appearance.LISTED)).group_by(SignOn.country)).all())
    by_type = dict(db.session.execute(
        select(SignOn.org_type, func.count())
        .where(*approved, SignOn.visibility.in_(appearance.NAMED)).group_by(SignOn.org_type)).all())
    result = {
        "total": total,
        "by_country": sorted(((country_name(c), c, n) for c, n in by_country.items()), key=lambda r: (-r[2], r[0])),
        "by_type": sorted(by_type.items(), key=lambda r: -r[1]),
    }
    cache[statement.id] = (time.monotonic(), result)
    return result


def list_is_public(statement: Statement) -> bool:
    return not statement.signon_list_hidden or statement.state == State.PUBLISHED


def public_query(statement: Statement, country: str | None = None):
    """Approved sign-ons that may be listed (named or by country), by country then name."""
    query = select(SignOn).where(
        SignOn.statement_id == statement.id, SignOn.status == SignOnStatus.APPROVED.value,
        SignOn.visibility.in_(appearance.LISTED),
    ).order_by(SignOn.country_sort, SignOn.visibility, SignOn.sort_key, SignOn.id).options(selectinload(SignOn.revision))
    if country:
        query = query.where(SignOn.country == country)
    return query


def public_rows(statement: Statement) -> list[SignOn]:
    """Every approved sign-on the public may see (for downloads), or none while the list is private."""
    if not list_is_public(statement):
        return []
    return db.session.scalars(public_query(statement)).all()


def public_entry(signon: SignOn) -> dict | None:
    """What the public may see of a sign-on (as appearance decides), or None when it is not listed:
    never contact details."""
    shown = appearance.appearance(signon.visibility, signon.organization_name, signon.country, signon.org_type,
                                  signon.website)
    if shown is None:
        return None
    needs_reconfirm = signon.reconfirm_revision_id is not None
    return {
        "name": shown.name,
        "country": shown.country,
        "country_name": country_name(shown.country),
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

def mark_duplicates(statement: Statement, rows: list) -> None:
    """Say, for each row staff want to add, whether it repeats an earlier row or an existing sign-on."""
    seen: dict[str, int] = {}
    for row in rows:
        if row.problems:
            continue
        key = duplicates.name_key(row.fields["organization_name"])
        if key in seen:
            row.duplicate_of, row.duplicate_reason = f"line {seen[key]}", "the same name"
            continue
        seen[key] = row.line
        probe = SignOn(statement_id=statement.id)
        _fill(probe, row.fields)
        found = find_duplicate(statement, probe)
        if found is not None:
            row.duplicate_of = found.organization_name
            row.duplicate_reason = "has already signed" if found.exact else found.reason


def add_by_staff(actor: User, statement: Statement, rows: list, visibility: str) -> int:
    """Add the rows without problems and not already signed, approved at once (staff vouch for them)."""
    if statement.state not in (State.SIGNON_OPEN.value, State.SIGNON_CLOSED.value):
        raise InvalidInput("Sign-ons can be added once sign-on has opened.")
    added = 0
    for row in rows:
        if row.problems or row.duplicate_reason in ("the same name", "has already signed"):
            continue
        signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                        source="staff", confirm_nonce=secrets.token_hex(8), withdraw_nonce=secrets.token_hex(8),
                        status=SignOnStatus.APPROVED.value, confirmed_at=utcnow(), approved_at=utcnow(),
                        decided_by_id=actor.id)
        _fill(signon, dict(row.fields, visibility=visibility))
        if row.duplicate_reason:
            flag_if_duplicate(statement, signon)
        db.session.add(signon)
        db.session.flush()
        added += 1
    record(actor, "signon.added_by_staff", statement, f"Added {added} sign-ons by hand to “{statement.title}”",
           group_id=statement.group_id, count=added)
    _invalidate_counts(statement.id)
    return added
