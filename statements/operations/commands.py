"""`flask data ...`: move, back up, export and import an installation; thin wrappers over this package."""

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import format_decimal, gettext as _, ngettext

from statements.core.errors import DomainError
from statements.extensions import db


@click.group("data", cls=AppGroup)
def data_command() -> None:
    """Move this installation to PostgreSQL, back it up, export or import its data."""


def _refusal(error: DomainError) -> click.ClickException:
    return click.ClickException(error.message)


def _echo_count(table: str, rows: int) -> None:
    counted = ngettext("%(count)s row", "%(count)s rows", rows, count=f"{format_decimal(rows):>9}")
    click.echo(f"  {table:<24} {counted}")


@data_command.command("copy-to")
@click.argument("database_url")
def copy_to_command(database_url: str) -> None:
    """Copy every row into DATABASE_URL, an empty database already migrated with `flask db upgrade`."""
    from statements.operations.copying import copy_installation, describe_url

    click.echo(_("Copying %(source)s to %(target)s:", source=describe_url(str(db.engine.url)),
                 target=describe_url(database_url)))
    try:
        counts = copy_installation(database_url, progress=_echo_count)
    except DomainError as error:
        raise _refusal(error) from None
    rows = sum(counts.values())
    click.echo(ngettext("Copied %(count)s row in %(tables)s tables, with their ids; the target's id sequences now "
                        "start after them. Point DATABASE_URL at the target and start the service.",
                        "Copied %(count)s rows in %(tables)s tables, with their ids; the target's id sequences now "
                        "start after them. Point DATABASE_URL at the target and start the service.",
                        rows, count=format_decimal(rows), tables=format_decimal(len(counts))))


@data_command.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the live SQLite database to PATH (a new file, or a folder for a dated file) and check the copy."""
    from statements.operations.backup import backup_sqlite

    try:
        written = backup_sqlite(db.engine, path)
    except DomainError as error:
        raise _refusal(error) from None
    click.echo(_("Backed up to %(path)s (%(size)s MB); its integrity check passed.", path=written,
                 size=format_decimal(written.stat().st_size / 1e6, format="#,##0.0")))


@data_command.command("export")
@click.argument("path", type=click.Path(path_type=Path))
def export_command(path: Path) -> None:
    """Write all the data to a new JSON file at PATH (see docs/data-format.md). The file is sensitive."""
    from statements.operations.dataset import export_dataset

    try:
        counts = export_dataset(path)
    except DomainError as error:
        raise _refusal(error) from None
    for table, rows in counts.items():
        _echo_count(table, rows)
    rows = sum(counts.values())
    click.echo(ngettext("Exported %(count)s row to %(path)s. It holds password hashes and contact emails: keep it "
                        "as safe as the database.",
                        "Exported %(count)s rows to %(path)s. It holds password hashes and contact emails: keep it "
                        "as safe as the database.", rows, count=format_decimal(rows), path=path))


@data_command.command("import")
@click.argument("path", type=click.Path(path_type=Path))
def import_command(path: Path) -> None:
    """Load a JSON export into this installation, which must be migrated and empty."""
    from statements.operations.dataset import import_dataset

    try:
        counts = import_dataset(path)
    except DomainError as error:
        raise _refusal(error) from None
    for table, rows in counts.items():
        _echo_count(table, rows)
    rows = sum(counts.values())
    click.echo(ngettext("Imported %(count)s row from %(path)s, with their ids.",
                        "Imported %(count)s rows from %(path)s, with their ids.", rows, count=format_decimal(rows),
                        path=path))
