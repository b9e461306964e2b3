"""Read what the comment pages show (highlighted passages, flashes, form fields) and what is stored."""

import html
import re
from html.parser import HTMLParser

from sqlalchemy import func, select

from statements.comments.models import Comment, Thread
from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.drafts import pages as drafts_pages
from tests.drafts.pages import flashes, hidden  # noqa: F401  (used by the comment tests)

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Highlights(HTMLParser):
    """Collect the words each thread's <mark> covers, closing elements the way a browser does: an end
    tag closes everything opened inside it, so a mark cut off by the end of a <strong> ends there."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.words: dict[int, str] = {}
        self.blocks: dict[int, set[str]] = {}
        self.statuses: dict[int, set[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return  # an end tag with nothing open to close is ignored, as a browser ignores it

    def handle_data(self, data):
        blocks = [a.get("id") for t, a in self.stack if t == "div" and "block" in (a.get("class") or "").split()]
        for tag, attrs in self.stack:
            if tag == "mark" and attrs.get("data-thread"):
                thread_id = int(attrs["data-thread"])
                self.words[thread_id] = self.words.get(thread_id, "") + data
                self.blocks.setdefault(thread_id, set()).update(b for b in blocks if b)
                self.statuses.setdefault(thread_id, set()).update(
                    c.removeprefix("passage-") for c in attrs.get("class", "").split() if c.startswith("passage-"))


def highlights(page: str) -> _Highlights:
    parser = _Highlights()
    parser.feed(page)
    parser.close()
    return parser


def highlighted(page: str) -> dict[int, str]:
    """Return, for each thread, the words its highlight covers as a browser would show them."""
    return highlights(page).words


def textarea(page: str, name: str = "body") -> str:
    """The comment box by default."""
    return drafts_pages.textarea(page, name)


def field_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', page, re.DOTALL)
    assert match, f"no error shown by the field {field_id!r}"
    return html.unescape(match.group(1))


def text_of(page: str) -> str:
    """Return the page's words without markup, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def stored_thread(app, thread_id: int) -> dict | None:
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        if thread is None:
            return None
        return {"statement_id": thread.statement_id, "author_id": thread.author_id,
                "original_quote": thread.original_quote, "original_revision": thread.original_revision,
                "anchor_status": thread.anchor_status, "anchor_revision": thread.anchor_revision,
                "quote": thread.quote, "position": thread.position, "similarity": thread.similarity,
                "resolved_at": thread.resolved_at, "resolved_by_id": thread.resolved_by_id,
                "comments": [(c.author_id, c.body, c.edited_at, c.deleted_at) for c in thread.comments]}


def thread_ids(app, statement_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Thread.id).where(Thread.statement_id == statement_id)
                                       .order_by(Thread.id)))


def comment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Comment.id)))


def outbox(app) -> list[dict]:
    with app.app_context():
        return [{"to": m.to_address, "subject": m.subject, "body": m.body_text, "status": m.status}
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
