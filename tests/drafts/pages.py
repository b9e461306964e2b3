"""Read what a page shows (flashes, form fields) and what the database stores for a statement."""

import html
import re

from sqlalchemy import func, select

from statements.drafts import services
from statements.drafts.models import Revision, Statement
from statements.extensions import db

_TEXTAREA = re.compile(r'<textarea[^>]*\bname="(?P<name>[^"]+)"[^>]*>\r?\n?(?P<text>.*?)</textarea>', re.DOTALL)
_FLASH = re.compile(r'<p class="flash flash-(?P<category>\w+)"[^>]*>(?P<message>.*?)</p>', re.DOTALL)


def textarea(page: str, name: str = "text") -> str:
    """Return the text a form's textarea holds, as the browser would show it."""
    for match in _TEXTAREA.finditer(page):
        if match.group("name") == name:
            return html.unescape(match.group("text"))
    raise AssertionError(f"no textarea named {name!r} on the page")


def opening_tags(page: str, marker: str) -> list[str]:
    """The opening tags that contain the marker (a class, an attribute), in the page's order."""
    return [tag for tag in re.findall(r"<[a-z]+\b[^>]*>", page) if marker in tag]


def hidden(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page)
    assert match, f"no input named {name!r} on the page"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def flashes(page: str) -> list[str]:
    return [html.unescape(m.group("message")) for m in _FLASH.finditer(page)]


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def revision_count(app, statement_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Revision.id)).where(Revision.statement_id == statement_id))


def stored_text(app, statement_id: int, number: int | None = None) -> str:
    """Return a revision's text (the latest by default) rebuilt from what is stored."""
    services._text_cache.clear()
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        return services.revision_text(services.get_revision(statement, number or statement.latest_number))


def stored_statement(app, statement_id: int) -> dict:
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        return {"state": statement.state, "latest_number": statement.latest_number, "slug": statement.slug,
                "title": statement.title, "final_revision_id": statement.final_revision_id}


def stored_revision(app, statement_id: int, number: int) -> dict:
    with app.app_context():
        revision = db.session.scalar(select(Revision).where(Revision.statement_id == statement_id,
                                                            Revision.number == number))
        assert revision is not None, f"no revision {number}"
        return {"id": revision.id, "number": revision.number, "author_id": revision.author_id,
                "note": revision.note, "base_number": revision.base_number, "created_at": revision.created_at,
                "merged_onto_number": revision.merged_onto_number,
                "restored_from_number": revision.restored_from_number}
