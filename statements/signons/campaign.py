"""A statement's campaign: its sign-on goal, partner links that record who brought a sign-on, counts by
source and by day, and QR codes of the public form's address."""

import io
import re
import secrets
from dataclasses import dataclass

import segno
from flask_babel import format_decimal, gettext as _
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.audit.services import record
from statements.core.db import utcnow
from statements.core.errors import InvalidInput
from statements.drafts.models import State, Statement
from statements.extensions import db
from statements.signons.models import PARTNER_NAME_MAX, PartnerLink, SignOn, SignOnStatus

#: the largest goal taken: more organizations than the world has
GOAL_MAX = 1_000_000
#: what a partner link's token looks like (secrets.token_urlsafe); anything else is not looked up
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,40}")
#: the states in which the statement's public page, and so its campaign, exists (signons.versions.PUBLIC_STATES)
CAMPAIGN_STATES = (State.SIGNON_OPEN.value, State.SIGNON_CLOSED.value, State.PUBLISHED.value)
#: the states in which a QR code is worth printing: the form takes signatures, or the text is out for good
QR_STATES = (State.SIGNON_OPEN.value, State.PUBLISHED.value)


def has_campaign(statement: Statement) -> bool:
    """Say whether the statement has a public form to campaign for: its own (not a translation's), open or after."""
    return statement.source_id is None and statement.state in CAMPAIGN_STATES


def has_qr_code(statement: Statement) -> bool:
    """Say whether the statement's public link is given as a QR code (not while sign-on is closed and the text
    not yet published: a flyer would lead to a closed form)."""
    return has_campaign(statement) and statement.state in QR_STATES


# --- the goal -------------------------------------------------------------------------------------


def parse_goal(text: str | None) -> int | None:
    """Read a goal as typed: empty for none, else a whole number from 1 to GOAL_MAX (spaces, commas and dots
    between thousands are allowed, as people write them)."""
    typed = (text or "").strip()
    if not typed:
        return None
    digits = re.sub(r"(?<=\d)[\s,.\u00a0\u202f'](?=\d{3}\b)", "", typed)
    if not digits.isascii() or not digits.isdigit():
        raise InvalidInput(_("Enter the goal as a whole number of sign-ons, like 500, or leave it empty for no "
                             "goal."), field="goal")
    goal = int(digits[:12]) if len(digits) <= 12 else GOAL_MAX + 1  # (a number too long to be one is too large)
    if not 1 <= goal <= GOAL_MAX:
        raise InvalidInput(_("Enter a goal from 1 to %(max)s sign-ons, or leave it empty for no goal.",
                             max=format_decimal(GOAL_MAX)), field="goal")
    return goal


def set_goal(actor: User, statement: Statement, goal: int | None) -> None:
    """Set or clear the number of sign-ons the campaign aims for."""
    if statement.signon_goal == goal:
        return
    statement.signon_goal = goal
    record(actor, "statement.signon_goal", statement,
           f"Set the sign-on goal of {statement.title} to {goal}" if goal else
           f"Cleared the sign-on goal of {statement.title}", group_id=statement.group_id, goal=goal)


# --- partner links --------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """A partner's name folded, so that the same name written another way is the same partner."""
    return " ".join(name.casefold().split())[:PARTNER_NAME_MAX]


def partner_links(statement: Statement) -> list[PartnerLink]:
    """The statement's partner links, oldest first."""
    return list(db.session.scalars(select(PartnerLink).where(PartnerLink.statement_id == statement.id)
                                   .order_by(PartnerLink.id)))


def create_partner_link(actor: User, statement: Statement, name: str) -> PartnerLink:
    """Give a partner its own link to the sign-on form, under a name unique to this statement."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Enter the partner's name, like the member organization the link is for."),
                           field="name")
    if len(name) > PARTNER_NAME_MAX:
        raise InvalidInput(_("Use at most %(max)s characters.", max=format_decimal(PARTNER_NAME_MAX)), field="name")
    key = name_key(name)
    taken = db.session.scalar(select(PartnerLink.name).where(PartnerLink.statement_id == statement.id,
                                                            PartnerLink.name_key == key))
    if taken is not None:
        raise InvalidInput(duplicate_name(taken), field="name")
    link = PartnerLink(statement_id=statement.id, name=name, name_key=key, token=secrets.token_urlsafe(18),
                       active=True, created_by_id=actor.id)
    db.session.add(link)
    db.session.flush()  # a name sent twice at once meets the unique index here
    record(actor, "partner_link.created", link, f"Made a partner link for {name} on {statement.title}",
           group_id=statement.group_id, statement_id=statement.id)
    return link


def duplicate_name(name: str) -> str:
    """The refusal of a name a link already has."""
    return _("This statement already has a link named “%(name)s”. Use that one, or give this link another name.",
             name=name)


def switch_partner_link(actor: User, link: PartnerLink, active: bool) -> bool:
    """Turn a partner link off (its address still opens the form, but new sign-ons are no longer put to its
    name; those it brought stay its own) or on again. Return whether anything changed."""
    if link.active == active:
        return False
    link.active = active
    link.turned_off_at = None if active else utcnow()
    record(actor, "partner_link.turned_on" if active else "partner_link.turned_off", link,
           f"Turned {'on' if active else 'off'} the partner link for {link.name} on {link.statement.title}",
           group_id=link.statement.group_id, statement_id=link.statement_id)
    return True


def partner_link_of(statement: Statement, id_text: str | None) -> PartnerLink | None:
    """One of the statement's partner links by the id sent with a form, or None."""
    if not id_text or not id_text.isascii() or not id_text.isdigit() or len(id_text) > 9:
        return None
    link = db.session.get(PartnerLink, int(id_text))
    return link if link is not None and link.statement_id == statement.id else None


def clean_token(token: str | None) -> str:
    """A token as it came in an address or a form, if it looks like one; else "" (never looked up)."""
    token = (token or "").strip()
    return token if _TOKEN.fullmatch(token) else ""


def active_link_for(statement: Statement, token: str | None) -> PartnerLink | None:
    """The statement's active partner link with this token, or None: a made-up token, another statement's or
    one turned off brings nothing, and the sign-on goes on as from the public form."""
    token = clean_token(token)
    if not token:
        return None
    return db.session.scalar(select(PartnerLink).where(PartnerLink.token == token,
                                                       PartnerLink.statement_id == statement.id,
                                                       PartnerLink.active.is_(True)))


# --- counts ---------------------------------------------------------------------------------------


@dataclass
class SourceCount:
    """Sign-ons that came one way: the public form, a partner's link, or staff entering them."""

    label: str
    approved: int = 0
    waiting: int = 0  # confirmed by their contact, waiting for approval
    unconfirmed: int = 0  # waiting for their contact to confirm
    link: PartnerLink | None = None


def source_counts(statement: Statement) -> list[SourceCount]:
    """Sign-ons by where they came from: the public form, each partner link (by name, also when none came
    yet), and those entered by staff (by hand, from mail or paper, whatever their own label)."""
    form, staff = SourceCount(_("Public form")), SourceCount(_("Entered by staff"))
    links = {link.id: SourceCount(link.name, link=link) for link in partner_links(statement)}
    rows = db.session.execute(
        select(SignOn.source, SignOn.partner_link_id, SignOn.status, func.count())
        .where(SignOn.statement_id == statement.id,
               SignOn.status.in_((SignOnStatus.APPROVED.value, SignOnStatus.CONFIRMED.value,
                                  SignOnStatus.PENDING.value)))
        .group_by(SignOn.source, SignOn.partner_link_id, SignOn.status))
    for source, link_id, status, count in rows:
        if source != "form":
            row = staff
        else:
            row = links.get(link_id, form)
        if status == SignOnStatus.APPROVED.value:
            row.approved += count
        elif status == SignOnStatus.CONFIRMED.value:
            row.waiting += count
        else:
            row.unconfirmed += count
    return [form, *links.values(), staff]


def goal_progress(count: int, goal: int | None) -> int | None:
    """How far the count is towards the goal, in whole percent (at most 100), or None without a goal."""
    if not goal:
        return None
    return min(100, count * 100 // goal)


# --- QR codes -------------------------------------------------------------------------------------

#: what a QR code can be downloaded as, and its media type
QR_KINDS = {"svg": "image/svg+xml", "png": "image/png"}


def qr_code(address: str, kind: str, title: str = "") -> bytes:
    """A QR code of an address as an SVG or PNG file, dark on white, with the quiet zone scanners need."""
    code = segno.make(address, error="m")
    out = io.BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=8, border=4, dark="#000", light="#fff", title=title or None,
                  svgclass=None, lineclass=None, omitsize=False)
    else:
        code.save(out, kind="png", scale=10, border=4, dark="#000", light="#fff")
    return out.getvalue()


def qr_inline(address: str) -> str:
    """A QR code of an address as SVG markup to put in a page (it scales with its box)."""
    code = segno.make(address, error="m")
    return code.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code",
                           lineclass=None)
