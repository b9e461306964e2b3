"""Statements, their immutable revisions, and the record of their lifecycle."""

from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from statements.accounts.models import User, WorkingGroup
from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db

TITLE_MAX = 200
SLUG_MAX = 80
SUMMARY_MAX = 1000
TEXT_MAX = 200_000
NOTE_MAX = 200
#: every this many revisions the full text is stored, so rebuilding a text applies few deltas
SNAPSHOT_EVERY = 20

LANGUAGES = [
    ("en", "English"), ("es", "Español"), ("fr", "Français"), ("pt", "Português"), ("ar", "العربية"),
    ("de", "Deutsch"), ("it", "Italiano"), ("tr", "Türkçe"), ("pl", "Polski"), ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"), ("sw", "Kiswahili"), ("hi", "हिन्दी"), ("bn", "বাংলা"), ("ru", "Русский"),
    ("uk", "Українська"), ("zh", "中文"), ("ja", "日本語"), ("ko", "한국어"), ("tl", "Tagalog"),
]


class State(StrEnum):
    """Where a statement is in its lifecycle."""

    DRAFT = "draft"
    COMMENT_PERIOD = "comment_period"
    FINAL = "final"
    SIGNON_OPEN = "signon_open"
    SIGNON_CLOSED = "signon_closed"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """The state's name in the reader's language."""
        return {
            "draft": _("Draft"), "comment_period": _("Comment period"), "final": _("Final"),
            "signon_open": _("Sign-on open"), "signon_closed": _("Sign-on closed"), "published": _("Published"),
        }[self.value]

    @property
    def english_label(self) -> str:
        """The state's name for the audit log, which is kept in one language."""
        return self.value.replace("_", " ").replace("signon", "sign-on").capitalize()

    @property
    def text_is_editable(self) -> bool:
        return self in (State.DRAFT, State.COMMENT_PERIOD)


class Statement(db.Model):
    """A joint statement drafted by a working group."""

    __tablename__ = "statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: the statement's public address: /s/<slug>
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    #: one of State
    state: Mapped[str] = mapped_column(String(20), default=State.DRAFT.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the number of the latest revision (0 before the first save)
    latest_number: Mapped[int] = mapped_column(default=0)
    #: the revision frozen as final, which sign-ons and exports use
    final_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id", use_alter=True,
                                                                     ondelete="SET NULL"))

    group: Mapped[WorkingGroup] = relationship()
    created_by: Mapped[User | None] = relationship()
    #: sign-on settings, chosen when sign-on opens
    signon_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the time zone the deadline was given in, to show it back the same way
    signon_timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    #: confirmed sign-ons wait for staff approval; otherwise confirming approves
    signon_requires_approval: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    signon_closing_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: keep the list of names private until the statement is published (the count still shows)
    signon_list_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: how many sign-ons the coordinators aim for, shown on the campaign panel; None: no goal
    signon_goal: Mapped[int | None] = mapped_column(Integer)

    #: when the comment period ends (UTC), shown with a countdown; None: it ends when a coordinator says
    comment_period_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: at that end the period closes itself (back to draft); otherwise only the coordinators are reminded
    comment_period_closes_itself: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: during its comment period, every member of the network may read and comment, not only the group
    open_to_network: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    final_revision: Mapped["Revision | None"] = relationship(foreign_keys=[final_revision_id], post_update=True)
    #: for a translation: the statement it translates, in another language; None for a source
    source_id: Mapped[int | None] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    source: Mapped["Statement | None"] = relationship(remote_side=[id], foreign_keys=[source_id])

    @property
    def state_enum(self) -> State:
        return State(self.state)

    def __repr__(self) -> str:
        return f"<Statement {self.id} {self.slug!r} {self.state}>"


class Revision(db.Model):
    """One save of a statement's text. Never changed once written."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("statement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    #: for a note the service writes, what it says (drafts.notes), so that each reader reads it in their language
    note_kind: Mapped[str | None] = mapped_column(String(40))
    note_args: Mapped[str | None] = mapped_column(Text)
    #: the revision number the author started editing from
    base_number: Mapped[int | None]
    #: set when this save was merged with changes saved meanwhile: the revision it was merged onto
    merged_onto_number: Mapped[int | None]
    #: set when this revision restores an older one
    restored_from_number: Mapped[int | None]
    #: True: content is the full text; False: content is a delta from the previous revision
    is_snapshot: Mapped[bool] = mapped_column(default=False)
    content: Mapped[str] = mapped_column(Text)
    #: word count of the full text, for the history page
    word_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Revision {self.statement_id}#{self.number}>"


class Transition(db.Model):
    """A step in a statement's lifecycle: who moved it from which state to which, and when."""

    __tablename__ = "statement_transition"
    __table_args__ = (Index("ix_statement_transition_statement", "statement_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: for freezing: the revision number frozen
    revision_number: Mapped[int | None]

    actor: Mapped[User | None] = relationship()

    @property
    def to_state_label(self) -> str:
        return State(self.to_state).label

    def __repr__(self) -> str:
        return f"<Transition {self.statement_id} {self.from_state}->{self.to_state}>"


class StatementRead(db.Model):
    """The latest revision of a statement a person has opened, to tell them when there is a newer one."""

    __tablename__ = "statement_read"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)
    revision_number: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Correction(db.Model):
    """A change to the text of a published statement: a new final revision, with a note the public reads."""

    __tablename__ = "statement_correction"
    __table_args__ = (Index("ix_statement_correction_statement", "statement_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    #: the revision published before the correction, and the one published by it
    previous_revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    #: what was corrected and why, in the coordinator's words (shown publicly)
    note: Mapped[str] = mapped_column(String(NOTE_MAX))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    previous_revision: Mapped[Revision] = relationship(foreign_keys=[previous_revision_id])
    revision: Mapped[Revision] = relationship(foreign_keys=[revision_id])
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Correction {self.statement_id} r{self.revision_id}>"
