"""The network's own look (name and logo) and the cache of exported files."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db


class NetworkSettings(db.Model):
    """One row: the network's name and logo as printed on exports."""

    __tablename__ = "network_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: image/png or image/jpeg
    logo_type: Mapped[str | None] = mapped_column(String(20))
    #: the network's own time zone: the one deadlines start from
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<NetworkSettings {self.name!r}>"


class ExportFile(db.Model):
    """A PDF or DOCX made once per text, signatory list and options, then served from disk."""

    __tablename__ = "export_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    #: what the file was made from: statement, kind, options, revision and signatory-list version
    cache_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # pdf or docx
    #: pending, running, done or failed; only a done file is ever served
    status: Mapped[str] = mapped_column(String(10), default="pending")
    file_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None]
    pages: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ExportFile {self.id} {self.kind} {self.status}>"
