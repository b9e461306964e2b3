"""A working group's talking points, their tags and their edit history."""

from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from statements.accounts.models import User, WorkingGroup
from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db

TITLE_MAX = 200
BODY_MAX = 20_000
TAG_MAX = 60


class PointStatus(StrEnum):
    PROPOSED = "proposed"
    AGREED = "agreed"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        """The status's name in the reader's language."""
        return {"proposed": _("Proposed"), "agreed": _("Agreed"), "retired": _("Retired")}[self.value]


point_tags = Table(
    "talking_point_tag",
    db.metadata,
    Column("point_id", ForeignKey("talking_point.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    """A theme a working group works on, such as "labour rights"."""

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("group_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX))

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"


class TalkingPoint(db.Model):
    """A short agreed (or proposed) message, with its sources."""

    __tablename__ = "talking_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    #: [{"title": ..., "url": ...}, ...]
    sources: Mapped[list] = mapped_column(JSON, default=list)
    #: one of PointStatus
    status: Mapped[str] = mapped_column(String(10), default=PointStatus.PROPOSED.value, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[WorkingGroup] = relationship()
    author: Mapped[User | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=point_tags, order_by="Tag.name", lazy="selectin")
    versions: Mapped[list["TalkingPointVersion"]] = relationship(
        order_by="TalkingPointVersion.number.desc()", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return PointStatus(self.status).label

    def __repr__(self) -> str:
        return f"<TalkingPoint {self.id} {self.title!r}>"


class TalkingPointVersion(db.Model):
    """A talking point as it was after one edit."""

    __tablename__ = "talking_point_version"
    __table_args__ = (UniqueConstraint("point_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("talking_point.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    sources: Mapped[list] = mapped_column(JSON, default=list)
    tag_names: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    editor: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return PointStatus(self.status).label

    def __repr__(self) -> str:
        return f"<TalkingPointVersion {self.point_id}#{self.number}>"


class PointUse(db.Model):
    """A talking point inserted into a statement draft."""

    __tablename__ = "talking_point_use"
    __table_args__ = (UniqueConstraint("point_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("talking_point.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    revision_number: Mapped[int]
    inserted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    statement = relationship("Statement")

    def __repr__(self) -> str:
        return f"<PointUse point={self.point_id} statement={self.statement_id}>"
