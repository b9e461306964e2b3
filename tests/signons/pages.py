"""Sign on through the public form, and read what the pages, the mail and the database say."""

import html
import re
import zlib
from datetime import timedelta

from sqlalchemy import select

from statements.core.db import utcnow
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons.models import SignOn

_FLASH = re.compile(r'<p class="flash flash-(?P<category>\w+)"[^>]*>(?P<message>.*?)</p>', re.DOTALL)


def form(**fields) -> dict:
    """A complete sign-on as a person would fill it in; fields given replace the defaults."""
    data = {
        "organization_name": "Asociación de Trabajadoras del Hogar", "country": "GT", "org_type": "union",
        "website": "https://trabajadoras.example.gt", "contact_name": "María López",
        "contact_email": "maria.lopez@trabajadoras.org.gt", "message": "", "visibility": "named",
        "authorized": "y",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def sign(client, slug: str, **fields):
    """Send the public sign-on form."""
    return client.submit(f"/s/{slug}/sign", form(**fields))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def field_error(response, field: str) -> str:
    """Return the message shown next to a form field, or "" when there is none."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', text_of(response), re.DOTALL)
    return html.unescape(found.group(1)) if found else ""


def form_errors(response) -> str:
    found = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', text_of(response), re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def typed(response, field: str) -> str | None:
    """Return the value an input shows again, or None when it is empty or missing."""
    page = text_of(response)
    found = re.search(rf'<input[^>]*\bname="{field}"[^>]*\bvalue="([^"]*)"', page) or \
        re.search(rf'<input[^>]*\bvalue="([^"]*)"[^>]*\bname="{field}"', page)
    if found:
        return html.unescape(found.group(1))
    area = re.search(rf'<textarea[^>]*\bname="{field}"[^>]*>\r?\n?(.*?)</textarea>', page, re.DOTALL)
    return html.unescape(area.group(1)) if area and area.group(1) else None


def selected(response, field: str) -> str | None:
    select_tag = re.search(rf'<select[^>]*\bname="{field}".*?</select>', text_of(response), re.DOTALL)
    found = select_tag and re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected',
                                     select_tag.group(0))
    return (found.group(1) or found.group(2)) if found else None


def flashes(page: str) -> list[str]:
    return [html.unescape(" ".join(m.group("message").split())) for m in _FLASH.finditer(page)]


def plain(page: str) -> str:
    """The words of a page, without tags and with entities read, spaces squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def signon_named(name: str) -> SignOn:
    return db.session.scalar(select(SignOn).where(SignOn.organization_name == name))


def signons() -> list[SignOn]:
    return list(db.session.scalars(select(SignOn).order_by(SignOn.id)))


def statement_by_slug(slug: str) -> Statement:
    return db.session.scalar(select(Statement).where(Statement.slug == slug))


def add_signon(statement: Statement, name: str, country: str = "GT", status: str = "approved",
               visibility: str = "named", org_type: str = "ngo", email: str | None = None,
               website: str | None = None, days_ago: int = 0, contact_name: str = "Private Contact") -> SignOn:
    """Store a sign-on directly, as if it had been through the form and its confirmation."""
    from statements.signons import services

    signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                    status=status, source="form", confirm_nonce="n" * 16, withdraw_nonce="w" * 16,
                    created_at=utcnow() - timedelta(days=days_ago))
    services._fill(signon, {"organization_name": name, "country": country, "org_type": org_type,
                            "contact_name": contact_name, "website": website, "visibility": visibility,
                            "contact_email": email or f"office{zlib.crc32(name.encode())}@{country.lower()}.example.net"})
    db.session.add(signon)
    db.session.flush()
    return signon


def confirmation(mailbox, email: str):
    """Deliver the outbox and return the last confirmation email sent to an address."""
    mailbox.deliver()
    messages = [m for m in mailbox.to(email) if "Confirm your organization's signature" in m["Subject"]]
    assert messages, f"no confirmation email to {email}"
    return messages[-1]


def code_in(mailbox, message) -> str:
    return re.search(r"^\s+(\d{6})\s*$", mailbox.body(message), re.MULTILINE).group(1)


def public_count(client, slug: str) -> int:
    """The count of signatures the public page shows."""
    page = text_of(client.get(f"/s/{slug}"))
    return int(re.search(r'<p class="signon-count"><strong>([\d,]+)</strong>', page).group(1).replace(",", ""))


def listed_names(client, slug: str, **args) -> list[str]:
    """The names on the public list of signatories, in the order shown."""
    query = "&".join(f"{k}={v}" for k, v in args.items())
    page = text_of(client.get(f"/s/{slug}/signatories" + (f"?{query}" if query else "")))
    items = re.findall(r'<ul class="signatory-list">(.*?)</ul>', page, re.DOTALL)
    names = []
    for item in re.findall(r"<li>(.*?)</li>", "".join(items), re.DOTALL):
        item = re.sub(r'<span class="muted small">.*?</span>', "", item, flags=re.DOTALL)
        names.append(html.unescape(re.sub(r"<[^>]+>", "", item)).strip())
    return names


def decide(staff, statement_id: int, ids: list[int], action: str, note: str = ""):
    """Tick sign-ons on the moderation page and press Approve or Reject."""
    return staff.submit(f"/statements/{statement_id}/signons/decide",
                        {"signon": [str(i) for i in ids], "action": action, "note": note})
