"""Exports: gather a statement's plain data, make each file once (in the background), serve it
from disk after that; and the network's name and logo."""

import base64
import hashlib
import io
import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal, gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from statements.accounts.models import ORGANIZATION_TYPES, User
from statements.audit.services import record
from statements.core import jobs
from statements.core.db import utcnow
from statements.core.errors import InvalidInput
from statements.core.markdown import render_markdown
from statements.core.timezones import is_zone
from statements.core.urls import external_url
from statements.drafts import services as drafts
from statements.drafts.models import State, Statement
from statements.export.labels import country_in, file_labels, in_country_wording, organization_type
from statements.export.models import ExportFile, NetworkSettings
from statements.export.pdf import ExportData, Signatory
from statements.extensions import db
from statements.signons.appearance import appearance
from statements.signons.models import SignOn, SignOnStatus
from statements.signons.services import kept

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000 * 4000
#: a file still "running" after this long was lost with its process: it may be made again
STALE_AFTER = timedelta(minutes=15)
#: raised whenever files come out laid out differently, so files made before are made again
LAYOUT_VERSION = 7
KINDS = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
GROUPINGS = ("country", "alphabetical")
PAGE_SIZES = ("a4", "letter")
#: this version alone, or (a PDF of a source) every final version in sequence
VERSIONS = ("one", "all")


# --- the network's look ----------------------------------------------------------------------------

def network_settings() -> NetworkSettings:
    settings = db.session.get(NetworkSettings, 1)
    if settings is None:
        settings = NetworkSettings(id=1, name=current_app.config["NETWORK_NAME"])
    return settings


@dataclass(frozen=True)
class NetworkLook:
    """What every page shows of the network: its name, its time zone, and which logo (None: the service's own)."""

    name: str
    time_zone: str
    logo_version: str | None


#: pages read the network's look from here, not from the database on every request; other processes
#: see a change within this many seconds
LOOK_SECONDS = 30
_LOOK = "statements_network_look"


def network_look() -> NetworkLook:
    """The network's name, time zone and logo version, read at most every LOOK_SECONDS in each process."""
    kept = current_app.extensions.get(_LOOK)
    if kept is None or time.monotonic() - kept[0] > LOOK_SECONDS:
        try:
            settings = network_settings()
        except SQLAlchemyError:  # the database is away: every page, the error page too, still shows a name
            db.session.rollback()
            return NetworkLook(current_app.config["NETWORK_NAME"], "UTC", None)
        version = settings.updated_at.strftime("%Y%m%d%H%M%S%f") if settings.logo and settings.updated_at else None
        kept = current_app.extensions[_LOOK] = (time.monotonic(), NetworkLook(
            settings.name, settings.time_zone or "UTC", version))
    return kept[1]


def forget_network_look() -> None:
    current_app.extensions.pop(_LOOK, None)


def save_network_settings(actor: User, name: str, logo: bytes | None, remove_logo: bool = False,
                          time_zone: str | None = None) -> NetworkSettings:
    """Set the network's name, logo and time zone; a logo must be a PNG or JPEG image of reasonable size."""
    settings = network_settings()
    changes = []
    if time_zone is not None and time_zone != (settings.time_zone or "UTC"):
        if not is_zone(time_zone):
            raise InvalidInput(_("Choose a time zone from the list."), field="time_zone")
        changes.append(f"changed the time zone from {settings.time_zone or 'UTC'} to {time_zone}")
        settings.time_zone = time_zone
    if name.strip() != settings.name:
        changes.append(f"changed the name from “{settings.name}” to “{name.strip()}”")
    settings.name = name.strip()
    if remove_logo and settings.logo:
        changes.append("removed the logo")
        settings.logo, settings.logo_type = None, None
    elif logo:
        logo_type = check_logo(logo)
        changes.append(f"{'replaced the logo' if settings.logo else 'added a logo'} ({logo_type}, {len(logo):,} bytes)")
        settings.logo, settings.logo_type = logo, logo_type
    settings.updated_at = utcnow()
    db.session.add(settings)
    if changes:  # (the log keeps the English it is written in, as every summary does)
        summary = "; ".join(changes)
        record(actor, "network.settings_changed", settings, summary[0].upper() + summary[1:])
    forget_network_look()
    return settings


def check_logo(data: bytes) -> str:
    """Return the image type of an uploaded logo, or say why it cannot be used."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        # (the upload is read only up to just past the limit: its full size is not known here)
        raise InvalidInput(_("The logo is larger than 1 MB, the limit. Save it smaller, for example as a JPEG or "
                             "with fewer pixels, and upload it again."), field="logo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidInput(_("The logo must be a PNG or JPEG image. This file is not one."), field="logo") from None
    if kind not in ("PNG", "JPEG"):
        raise InvalidInput(_("The logo must be a PNG or JPEG image."), field="logo")
    if width * height > LOGO_MAX_PIXELS:
        raise InvalidInput(_("The logo is too large in pixels. Use one under %(size)s × %(size)s.",
                             size=format_decimal(4000)), field="logo")
    return "image/png" if kind == "PNG" else "image/jpeg"


# --- what goes in the file ---------------------------------------------------------------------------

def exported_revision(statement: Statement):
    """The final revision, or (marked draft) the latest when the text is not final."""
    if statement.final_revision is not None and statement.state not in (State.DRAFT, State.COMMENT_PERIOD):
        return statement.final_revision, True
    return drafts.latest_revision(statement), False


def signing_statement(statement: Statement) -> Statement:
    """The statement whose sign-ons a version lists: its own for a source, its source's for a translation
    (organizations sign the statement once, whatever language they read it in)."""
    return statement.source or statement


def included_versions(statement: Statement) -> list[Statement]:
    """The translations a PDF of all versions holds after its source: final, in step with the final source."""
    from statements.translating.services import final_versions  # translating builds on drafts, as export does

    return final_versions(statement) if statement.source_id is None else []


def signatory_version(statement: Statement) -> str:
    """Changes whenever the approved list changes (an approval, a withdrawal, a decision).

    The list is read over all of a statement's sign-ons, so it is kept as the public counts are
    (signons.services.kept): a change made in this process shows at once, one made in another within
    the few seconds the counts of the public page take too."""
    statement = signing_statement(statement)
    row = kept(statement, "files", lambda: tuple(db.session.execute(
        select(func.count(), func.max(SignOn.approved_at), func.max(SignOn.withdrawn_at), func.max(SignOn.id))
        .where(SignOn.statement_id == statement.id, SignOn.status.in_([SignOnStatus.APPROVED.value,
                                                                       SignOnStatus.WITHDRAWN.value]))
    ).one()))
    settings = network_settings()
    return hashlib.sha256(repr((tuple(row), settings.name, settings.updated_at)).encode()).hexdigest()[:16]


def signatory_count(statement: Statement) -> int:
    """How many organizations the statement's files say signed it."""
    return db.session.scalar(select(func.count()).where(
        SignOn.statement_id == statement.id, SignOn.status == SignOnStatus.APPROVED.value))


#: control characters: no font draws them, and a Word document cannot hold them at all
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text as typed, without control characters (pasted from elsewhere, or sent by a script)."""
    return _CONTROL_CHARACTERS.sub("", text or "")


def signatories(statement: Statement) -> tuple[list[Signatory], int]:
    """The approved signatories as the public sees them (appearance decides), in the file's words; and
    how many are only counted. A translation lists its source's, in its own language."""
    language = statement.language
    types = {code: str(label) for code, label in ORGANIZATION_TYPES}  # the labels are lazy translations
    approved = db.session.execute(
        select(SignOn.visibility, SignOn.organization_name, SignOn.country, SignOn.org_type)
        .where(SignOn.statement_id == signing_statement(statement).id,
               SignOn.status == SignOnStatus.APPROVED.value)
    ).all()
    in_country = in_country_wording(language)
    shown = [appearance(visibility, printable(name), country, kind, None, in_country=in_country,
                        country_label=lambda code: country_in(code, language))
             for visibility, name, country, kind in approved]
    listed = [Signatory(each.name, country_in(each.country, language),
                        organization_type(types.get(each.org_type, each.org_type), language)
                        if each.org_type else None)
              for each in shown if each is not None]
    return listed, len(approved) - len(listed)


def export_data(statement: Statement, with_names: bool = True, all_versions: bool = False) -> tuple[ExportData, str]:
    """The plain data a PDF or DOCX is made from, and the Markdown text; without names, the signatories
    are only counted (for a list kept private until publication). With all versions, the data of each final
    translation follows, without signatories of its own."""
    data, text = _version_data(statement)
    listed, unnamed = signatories(statement)
    withheld = 0 if with_names else len(listed) + unnamed
    if not with_names:
        listed, unnamed = [], 0
    data.signatories, data.unnamed_count, data.withheld_count = listed, unnamed, withheld
    # all versions in one file list the signatories once, after the last version, in the source's words: listed
    # after each version they would repeat a list of thousands of names in every language, names that read the
    # same in each, for the sake of a heading and a count
    if all_versions:
        data.translations = [with_labels(_version_data(translation)[0]) for translation in included_versions(statement)]
    return with_labels(data), text


def _version_data(statement: Statement) -> tuple[ExportData, str]:
    """One version's text, title, summary and language, and whether it is final; no signatories yet."""
    revision, is_final = exported_revision(statement)
    text = printable(drafts.revision_text(revision))
    correction = corrected(statement) if is_final else None
    settings = network_settings()
    logo = (f"data:{settings.logo_type};base64,{base64.b64encode(settings.logo).decode()}"
            if settings.logo else None)
    data = ExportData(
        network_name=printable(settings.name), title=printable(statement.title), language=statement.language,
        text_html=render_markdown(text), signed_on=(statement.final_revision.created_at if is_final
                                                     else revision.created_at).date(),
        revision_number=revision.number, is_final=is_final, logo_data_uri=logo, summary=printable(statement.summary),
    )
    if correction is not None:  # dated the day it was first published, and marked with the latest correction
        data.signed_on = correction.first_published_on
        data.corrected_on, data.correction_note, data.corrections_url = correction.day, correction.note, correction.url
    return data, text


@dataclass(frozen=True)
class CorrectionMark:
    """What a file of a corrected published text says of it."""

    day: date
    note: str
    url: str
    first_published_on: date


def corrected(statement: Statement) -> CorrectionMark | None:
    """The latest correction of a published statement, as its files print it; None if it was never corrected."""
    if statement.source_id is not None or statement.state != State.PUBLISHED.value:
        return None
    corrections = drafts.corrections_of(statement)
    if not corrections:
        return None
    latest, first = corrections[0], corrections[-1]
    return CorrectionMark(latest.created_at.date(), printable(latest.note),
                          external_url("signons.corrections", slug=statement.slug),
                          first.previous_revision.created_at.date())


def with_labels(data: ExportData) -> ExportData:
    """Give the data the file's own words, in its language."""
    data.labels = file_labels(data.language, count=data.count, unnamed_count=data.unnamed_count,
                              revision_number=data.revision_number, signed_on=data.signed_on,
                              network_name=data.network_name, corrected_on=data.corrected_on,
                              corrections_url=data.corrections_url)
    return data


def wording(language: str | None) -> tuple:
    """All the words a file in this language adds (with sample numbers): they change when a translation does,
    which takes a new process (an app reads its translations once): each app works them out once a language."""
    kept_wording = current_app.extensions.setdefault("statements.file_wording", {})
    if language not in kept_wording:
        kept_wording[language] = _wording(language)
    return kept_wording[language]


def _wording(language: str | None) -> tuple:
    sample = file_labels(language, count=2, unnamed_count=2, revision_number=1, signed_on=date(2000, 1, 1),
                         network_name="", corrected_on=date(2000, 1, 2))
    kinds = [organization_type(label, language) for _code, label in ORGANIZATION_TYPES]
    return sample, in_country_wording(language), kinds


# --- making files once ---------------------------------------------------------------------------------

def _details(statement: Statement) -> tuple:
    # the title, language and summary are printed too, and can change without a new revision; the file's
    # words in that language are part of it too, so a corrected translation makes new files
    return statement.title, statement.language, statement.summary, wording(statement.language)


def cache_key(statement: Statement, kind: str, group_by: str, page_size: str, versions: str = "one") -> str:
    revision, is_final = exported_revision(statement)
    details = [_details(statement), LAYOUT_VERSION, corrected(statement) if is_final else None]
    if versions == "all":  # each version in it, as it is now: one made final or falling behind makes a new file
        details += [(version.id, version.final_revision_id, _details(version))
                    for version in included_versions(statement)]
    digest = hashlib.sha256(repr(details).encode()).hexdigest()[:8]
    return (f"{statement.id}:{kind}:{group_by}:{page_size}:{versions}:{revision.id}:{int(is_final)}:"
            f"{signatory_version(statement)}:{digest}")


def options_of(export: ExportFile) -> tuple[str, str, str, str]:
    """The kind, grouping, paper and versions a file was asked for (its key says: see cache_key)."""
    # (a key from before there was a choice of versions has the revision where the choice is now)
    kind, group_by, page_size, versions = (export.cache_key.split(":") + [""] * 5)[1:5]
    return kind, group_by, page_size, versions if versions in VERSIONS else "one"


def download_name(export: ExportFile, statement: Statement) -> str:
    """The file name a download is offered under."""
    kind, _group_by, _page_size, versions = options_of(export)
    return f"{statement.slug}-all-languages.{kind}" if versions == "all" else f"{statement.slug}.{kind}"


def request_export(statement: Statement, kind: str = "pdf", group_by: str = "country",
                   page_size: str = "a4", versions: str = "one") -> tuple[ExportFile, bool]:
    """Return the file for these options, made or being made; say whether this call started it."""
    if kind not in KINDS or group_by not in GROUPINGS or page_size not in PAGE_SIZES or versions not in VERSIONS:
        raise InvalidInput(_("Choose PDF or DOCX, a grouping and a page size from the form."))
    if versions == "all" and statement.source_id is not None:
        raise InvalidInput(_("All versions in one file are exported from the statement they translate: open its "
                             "Export page."), field="versions")
    if versions == "all" and kind != "pdf":
        raise InvalidInput(_("All versions in one file come as a PDF: choose PDF, or this version only."),
                           field="versions")
    key = cache_key(statement, kind, group_by, page_size, versions)
    existing = db.session.scalar(select(ExportFile).where(ExportFile.cache_key == key))
    if existing is not None and not _stale(existing):
        return existing, False
    if existing is not None:  # failed, or lost with a process that died: make it again, once
        # only the request that finds the row as it was read resets it; one arriving at the same
        # moment finds it changed and waits for that file instead of making a second one
        claimed = db.session.execute(
            update(ExportFile)
            .where(ExportFile.id == existing.id, ExportFile.status == existing.status,
                   ExportFile.created_at == existing.created_at)
            .values(status="pending", error=None, started_at=None, created_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        return existing, claimed == 1
    export = ExportFile(statement_id=statement.id, cache_key=key, kind=kind)
    db.session.add(export)
    try:
        db.session.commit()
    except IntegrityError:  # another request started the same file a moment ago: wait for that one
        db.session.rollback()
        return db.session.scalar(select(ExportFile).where(ExportFile.cache_key == key)), False
    return export, True


def _stale(export: ExportFile) -> bool:
    if export.status == "failed":
        return True
    started = export.started_at or export.created_at
    return export.status in ("pending", "running") and utcnow() - started > STALE_AFTER


def export_folder() -> Path:
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def make_file(export_id: int) -> None:
    """Make one export file and record the outcome; a half-made file is never marked done."""
    export = db.session.get(ExportFile, export_id)
    export.status, export.started_at = "running", utcnow()
    db.session.commit()
    try:
        statement = db.session.get(Statement, export.statement_id)
        kind, group_by, page_size, versions = options_of(export)
        data, text = export_data(statement, all_versions=versions == "all")
        if kind == "pdf":
            from statements.export.pdf import render_pdf

            content, export.pages = render_pdf(data, group_by, page_size)
        else:  # the Word library takes a while to load: only when a Word document is asked for
            from statements.export.docx import render_docx

            content = render_docx(data, group_by, text, page_size)
        name = f"{statement.slug}-{export.id}.{kind}"
        partial = export_folder() / (name + ".part")
        partial.write_bytes(content)
        os.replace(partial, export_folder() / name)  # the file appears whole or not at all
        export.file_name, export.size, export.status, export.finished_at = name, len(content), "done", utcnow()
    except Exception as error:  # recorded for staff; the page offers to try again
        db.session.rollback()
        export = db.session.get(ExportFile, export_id)
        export.status, export.error = "failed", f"{type(error).__name__}: {error}"[:500]
        current_app.logger.exception("Export %s failed", export_id)
    db.session.commit()


#: files being made in this process (joined by tests and at shutdown)
running_threads: list[threading.Thread] = []


def make_in_background(app, export_id: int) -> None:
    """Make the file off the request, so a large list never holds a web request open: on a worker
    when Redis is configured (and reachable), else in a thread of this process."""
    with app.app_context():
        jobs.enqueue("statements.export.services.make_file", export_id, job_timeout=int(STALE_AFTER.total_seconds()),
                     fallback=lambda: make_in_thread(app, export_id))


def make_in_thread(app, export_id: int) -> threading.Thread:
    """Make the file in a thread of this process."""

    def run():
        with app.app_context():
            try:
                make_file(export_id)
            except Exception:  # the row may be gone (statement deleted); nothing to record it on
                app.logger.exception("Export %s could not be recorded", export_id)
                db.session.rollback()
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"export-{export_id}", daemon=True)
    running_threads[:] = [t for t in running_threads if t.is_alive()] + [thread]
    thread.start()
    return thread


def file_etag(export: ExportFile) -> str:
    """An ETag for a file: from its key, which changes with the text and with the list of signatories."""
    return hashlib.sha256(export.cache_key.encode()).hexdigest()[:32]


def file_path(export: ExportFile) -> Path | None:
    if export.status != "done" or not export.file_name:
        return None
    path = export_folder() / export.file_name
    return path if path.exists() else None
