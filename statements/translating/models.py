"""What each translated paragraph was last brought up to date with."""

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from statements.accounts.models import User
from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db


class TranslatedParagraph(db.Model):
    """Paragraph `position` of a translation, and the source paragraph it was last translated from."""

    __tablename__ = "translated_paragraph"
    __table_args__ = (UniqueConstraint("translation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    #: the paragraph's place in the translation, from 0; paragraph N translates the source's paragraph N
    position: Mapped[int]
    #: the source revision the paragraph was last brought up to date with
    source_revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="CASCADE"))
    #: the source paragraph as it read then: when the source's paragraph reads otherwise, this one is behind
    source_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    source_revision = relationship("Revision")
    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<TranslatedParagraph {self.translation_id}:{self.position}>"
