"""Talking points: keep a group's agreed messaging, with history, and pull it into drafts."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from statements.accounts.models import User, WorkingGroup
from statements.audit.services import record
from statements.core.db import utcnow
from statements.core.errors import InvalidInput, NotAllowed
from statements.drafts import notes, services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.talking_points.models import (
    TAG_MAX, PointStatus, PointUse, Tag, TalkingPoint, TalkingPointVersion,
)

MAX_SOURCES = 20
MAX_TAGS = 10
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def parse_sources(text: str) -> list[dict]:
    """Read sources typed one per line as "Title | https://…" or just a link."""
    sources = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        title, _bar, url = line.rpartition("|") if "|" in line else ("", "", line)
        title, url = title.strip(), url.strip()
        if not URL_PATTERN.match(url) or len(url) > 500:
            raise InvalidInput(_("Line %(number)s of the sources needs a web address starting with https:// "
                                 "(write “Title | https://…”).", number=number), field="sources")
        sources.append({"title": title[:200] or url, "url": url})
    if len(sources) > MAX_SOURCES:
        raise InvalidInput(_("Give at most %(max)s sources.", max=MAX_SOURCES), field="sources")
    return sources


def format_sources(sources: list[dict]) -> str:
    """Write sources back in the form they are typed in."""
    return "\n".join(f"{s['title']} | {s['url']}" if s["title"] != s["url"] else s["url"] for s in sources)


def parse_tags(text: str) -> list[str]:
    """Read comma-separated tags, dropping repeats whatever their case."""
    names: dict[str, str] = {}
    for raw in (text or "").split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > TAG_MAX:
            raise InvalidInput(_("A tag can be at most %(max)s characters: “%(start)s…” is longer.",
                                 max=TAG_MAX, start=name[:20]), field="tags")
        names.setdefault(name.casefold(), name)
    if len(names) > MAX_TAGS:
        raise InvalidInput(_("Use at most %(max)s tags.", max=MAX_TAGS), field="tags")
    return list(names.values())


def _tags_for(group: WorkingGroup, names: list[str]) -> list[Tag]:
    existing = {t.name.casefold(): t for t in group_tags(group)}
    tags = []
    for name in names:
        tag = existing.get(name.casefold())
        if tag is None:
            tag = Tag(group_id=group.id, name=name)
            db.session.add(tag)
            existing[name.casefold()] = tag
        tags.append(tag)
    return tags


def group_tags(group: WorkingGroup) -> list[Tag]:
    return db.session.scalars(select(Tag).where(Tag.group_id == group.id).order_by(Tag.name)).all()


def _snapshot(point: TalkingPoint, editor: User) -> TalkingPointVersion:
    number = (db.session.scalar(select(func.max(TalkingPointVersion.number))
                                .where(TalkingPointVersion.point_id == point.id)) or 0) + 1
    version = TalkingPointVersion(point_id=point.id, number=number, title=point.title, body=point.body,
                                  sources=list(point.sources), tag_names=[t.name for t in point.tags],
                                  status=point.status, editor_id=editor.id)
    db.session.add(version)
    return version


def create_point(actor: User, group: WorkingGroup, title: str, body: str, sources: str, tags: str) -> TalkingPoint:
    """Propose a talking point."""
    point = TalkingPoint(group_id=group.id, title=title.strip(), body=body.strip(), sources=parse_sources(sources),
                         author_id=actor.id, status=PointStatus.PROPOSED.value)
    point.tags = _tags_for(group, parse_tags(tags))
    db.session.add(point)
    db.session.flush()
    _snapshot(point, actor)
    return point


def update_point(actor: User, point: TalkingPoint, title: str, body: str, sources: str, tags: str) -> bool:
    """Edit a talking point; return False when nothing changed."""
    new_sources, new_tags = parse_sources(sources), parse_tags(tags)
    unchanged = (point.title == title.strip() and point.body == body.strip() and point.sources == new_sources
                 and [t.name for t in point.tags] == sorted(new_tags, key=str))
    if unchanged:
        return False
    point.title, point.body, point.sources = title.strip(), body.strip(), new_sources
    point.tags = _tags_for(point.group, new_tags)
    point.updated_at = utcnow()
    db.session.flush()
    _snapshot(point, actor)
    return True


def set_status(actor: User, point: TalkingPoint, status: str) -> None:
    """Agree, retire or re-propose a talking point."""
    try:
        new = PointStatus(status)
    except ValueError:
        raise InvalidInput(_("Choose proposed, agreed or retired.")) from None
    if point.status == new.value:
        return
    old, point.status, point.updated_at = point.status, new.value, utcnow()
    _snapshot(point, actor)
    record(actor, f"talking_point.{new.value}", point, f"Marked the talking point “{point.title}” as {new.value}",
           group_id=point.group_id, old=old)


def list_points(group: WorkingGroup, tag: str | None = None, status: str | None = None, text: str | None = None):
    """Return a select of a group's points filtered by tag, status and words in the title or body."""
    query = select(TalkingPoint).where(TalkingPoint.group_id == group.id).order_by(TalkingPoint.updated_at.desc())
    if status in {s.value for s in PointStatus}:
        query = query.where(TalkingPoint.status == status)
    if tag:
        query = query.where(TalkingPoint.tags.any(Tag.name == tag))
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(TalkingPoint.title.ilike(pattern, escape="\\"),
                                TalkingPoint.body.ilike(pattern, escape="\\")))
    return query


def insert_into_statement(actor: User, point: TalkingPoint, statement: Statement) -> drafts.SaveResult:
    """Add a talking point's text at the end of a draft, as a new revision, and remember the use."""
    if statement.group_id != point.group_id:
        raise NotAllowed(_("A talking point can only go into a statement of its own working group."))
    if point.status == PointStatus.RETIRED:
        raise InvalidInput(_("This talking point is retired. Propose it again before using it."))
    drafts.lock_for_writing(statement)  # no other save can land between reading the latest text and appending
    latest = drafts.latest_revision(statement)
    text = drafts.revision_text(latest).rstrip("\n")
    addition = f"## {point.title}\n\n{point.body}" if point.title else point.body
    new_text = f"{text}\n\n{addition}\n" if text else f"{addition}\n"
    result = drafts.save_revision(actor, statement, latest.number, new_text,
                                  f"Inserted talking point “{point.title}”"[:200],
                                  said=notes.said(notes.TALKING_POINT, title=point.title))
    use = db.session.scalar(select(PointUse).where(PointUse.point_id == point.id,
                                                   PointUse.statement_id == statement.id))
    if use is None:
        db.session.add(PointUse(point_id=point.id, statement_id=statement.id,
                                revision_number=statement.latest_number, inserted_by_id=actor.id))
    return result


def uses_of(point: TalkingPoint) -> list[PointUse]:
    return db.session.scalars(select(PointUse).where(PointUse.point_id == point.id)
                              .order_by(PointUse.created_at)).all()
