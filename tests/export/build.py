"""Statements, sign-ons and export files for the export tests, made through the services."""

from pathlib import Path

from statements.accounts.models import User, WorkingGroup
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.export import services
from statements.export.models import ExportFile
from statements.extensions import db
from statements.signons import services as signons
from statements.signons.models import SignOn

TEXT = """# Protection for people displaced by climate change

Governments must **guarantee** legal protection to people who move because of floods, droughts and
rising seas. This means *regular* status, access to decent work, and the right to bring their families.

- Open regular pathways for people displaced by disasters.
- Count displacement in every national adaptation plan.
"""


def coordinator(world) -> User:
    return db.session.get(User, world.user_ids["coordinator"])


def admin(world) -> User:
    return db.session.get(User, world.user_ids["admin"])


def open_statement(world, title: str = "Protection for people who move", text: str = TEXT, language: str = "en",
                   summary: str = "A call on governments.", slug: str = "") -> Statement:
    """A statement of the home group, frozen as final, with sign-on open (and approval by staff)."""
    person = coordinator(world)
    statement = drafts.create_statement(person, db.session.get(WorkingGroup, world.group_id), title, slug, language,
                                        summary, text)
    drafts.transition(person, statement, "final")
    signons.open_signon(person, statement, None, "UTC", True, "", False)
    db.session.commit()
    return statement


def sign(world, statement: Statement, name: str, country: str = "GT", org_type: str = "union",
         visibility: str = "named", contact_name: str = "Lucía Pérez Contact", contact_email: str | None = None,
         approve: bool = True) -> SignOn:
    """An organization signs from the public form, confirms by email, and staff approve it."""
    number = db.session.query(SignOn).count() + 1
    signon, _ = signons.sign(statement, {
        "organization_name": name, "country": country, "org_type": org_type, "website": "",
        "contact_name": contact_name, "contact_email": contact_email or f"contact{number}@private-mail.example",
        "message": "", "visibility": visibility, "consent_to_contact": False, "authorized": True,
    })
    signons.confirm(signon)
    if approve:
        signons.decide(admin(world), [signon], True)
    db.session.commit()
    return signon


def translate(world, source: Statement, language: str, title: str, text: str, summary: str = "",
              final: bool = True) -> Statement:
    """A translation of a final statement, every paragraph translated from its final text; made final too."""
    from statements.translating import services as translating

    person = coordinator(world)
    translation = translating.start_translation(person, source, language, title)
    translation.summary = summary
    drafts.save_revision(person, translation, translation.latest_number, text, "Translated")
    if final:
        drafts.transition(person, translation, "final")
    db.session.commit()
    return translation


def publish(world, statement: Statement) -> None:
    person = coordinator(world)
    signons.close_signon(person, statement)
    drafts.transition(person, statement, "published")
    db.session.commit()


def make(statement: Statement, kind: str = "pdf", group_by: str = "country",
         page_size: str = "a4", versions: str = "one") -> tuple[ExportFile, bytes]:
    """Ask for an export and make it here and now (as the background thread would); return it and the file."""
    export, started = services.request_export(statement, kind, group_by, page_size, versions)
    if started:
        services.make_file(export.id)
    export = db.session.get(ExportFile, export.id)
    assert export.status == "done", export.error
    return export, services.file_path(export).read_bytes()


def files_in_folder() -> list[Path]:
    return sorted(services.export_folder().iterdir())


def wait_for_files() -> None:
    """Let every file being made in the background finish."""
    for thread in list(services.running_threads):
        thread.join(timeout=300)
        assert not thread.is_alive(), "an export took more than five minutes"
