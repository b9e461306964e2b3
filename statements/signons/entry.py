"""Read sign-ons that staff paste or upload: one per line or CSV. Pure functions."""

import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import force_locale, format_decimal, gettext as _

from statements.accounts.models import ORGANIZATION_TYPES
from statements.core.countries import ENGLISH, country_choices
from statements.core.errors import InvalidInput
from statements.core.i18n import current_language

MAX_ROWS = 5000
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
_TYPE_CODES = {code for code, _label in ORGANIZATION_TYPES}


@dataclass
class Row:
    line: int
    fields: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    duplicate_reason: str | None = None
    #: an unconfirmed sign-on of the same name that adding this row would replace
    replaces_id: int | None = None
    #: added waiting for network staff, not approved: it repeats a name the person adding may not know
    held_for_staff: bool = False


def _country(value: str) -> str | None:
    """The code of a country given by its code, or by its name in English or in the language of the page."""
    value = value.strip()
    codes = dict(country_choices())
    if value.upper() in codes:
        return value.upper()
    by_name = {name.casefold(): code for language in {ENGLISH, current_language()}
               for code, name in country_choices(language)}
    return by_name.get(value.casefold())


def _types_by_label() -> dict[str, str]:
    """Each type of organization by its label in English and in the language of the page, folded."""
    labels = {str(label).casefold(): code for code, label in ORGANIZATION_TYPES}
    with force_locale(ENGLISH):
        labels.update({str(label).casefold(): code for code, label in ORGANIZATION_TYPES})
    return labels


def _org_type(value: str, by_label: dict[str, str]) -> str:
    value = value.strip().casefold()
    if value in _TYPE_CODES:
        return value
    return by_label.get(value, "other")


def read_upload(data: bytes, file_name: str) -> str:
    """Return the text of an uploaded CSV file, or say why it cannot be read and what to do."""
    name = file_name[:80]
    if len(data) > UPLOAD_MAX_BYTES:
        raise InvalidInput(_("The file is larger than 2 MB. Split it into smaller files."), field="rows")
    if not data.strip():
        raise InvalidInput(_("The file “%(name)s” is empty. Choose the file with the sign-ons, or paste them in the "
                             "box.", name=name), field="rows")
    if b"\x00" in data:  # never in UTF-8 text; always in spreadsheets, UTF-16 files, images and archives
        raise InvalidInput(_("The file “%(name)s” is not a CSV text file (it may be a spreadsheet or saved as UTF-16). "
                             "In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and upload that file.",
                             name=name), field="rows")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise InvalidInput(_("The file “%(name)s” is not in UTF-8: line %(line)s has a character in another "
                             "encoding. In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and upload it "
                             "again.", name=name, line=format_decimal(line)), field="rows") from None


def read_rows(text: str, file_name: str | None = None) -> list[Row]:
    """Read the pasted or uploaded lines, or say why there is nothing in them to add."""
    rows = parse_rows(text)
    if rows:
        return rows
    if not text.strip():
        raise InvalidInput(_("Paste at least one line, or choose a CSV file."), field="rows")
    if file_name:
        raise InvalidInput(_("The file “%(name)s” has only a header line. Add one line for each organization under "
                             "it.", name=file_name[:80]), field="rows")
    raise InvalidInput(_("What you pasted has only a header line. Add one line for each organization under it."),
                       field="rows")


def parse_rows(text: str) -> list[Row]:
    """Read "organization; country; type; contact name; contact email; website" lines (or CSV with a header)."""
    # files saved on old Macs end lines with CR alone, which the csv module cannot read from a string
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    first = next((line for line in text.split("\n") if line.strip()), None)
    if first is None:
        return []
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[Row] = []
    types = _types_by_label()
    # numbered as staff see the lines they pasted: blank lines and line breaks inside quotes count
    end_of_previous, first_record = 0, True
    for cells in _records(reader, lambda: end_of_previous + 1):
        number, end_of_previous = end_of_previous + 1, reader.line_num
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        is_first, first_record = first_record, False
        if is_first and re.match(r"(?i)^(organi[sz]ation|name)", cells[0]):
            continue  # a header line
        rows.append(_row(number, cells, types))
        if len(rows) > MAX_ROWS:
            rows[-1].problems.append(_("Only %(count)s lines can be added at once.", count=format_decimal(MAX_ROWS)))
            break
    return rows


def _records(reader, line_of_next):
    """Yield the reader's records, turning what the csv module cannot read into a message naming the line."""
    try:
        yield from reader
    except csv.Error as error:
        line = format_decimal(line_of_next())
        if "field larger than field limit" in str(error):
            raise InvalidInput(_(
                "Line %(line)s could not be read: it has a value longer than %(limit)s characters. Usually a "
                "quotation mark opened on line %(line)s is never closed, so the rest of the file reads as one value. "
                "Check the quotation marks on that line, or remove them.",
                line=line, limit=format_decimal(csv.field_size_limit())), field="rows") from None
        # the csv module's own words say what it met, in English
        raise InvalidInput(_("Line %(line)s could not be read as CSV (%(error)s). Check that line and try again.",
                             line=line, error=error), field="rows") from None


def _row(number: int, cells: list[str], types: dict[str, str]) -> Row:
    cells += [""] * (6 - len(cells))
    name, country, org_type, contact_name, email, website = cells[:6]
    row = Row(number)
    if not name or len(name) > 200:
        row.problems.append(_("needs an organization name (at most %(count)s characters)", count=200))
    code = _country(country)
    if code is None:
        row.problems.append(_("“%(value)s” is not a country: use a two-letter code such as GT or its English name",
                              value=country[:40]))
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        row.problems.append(_("“%(value)s” is not an email address", value=email[:60]))
    if website and not website.startswith(("http://", "https://")):
        row.problems.append(_("the website must start with https://"))
    row.fields = {"organization_name": name[:200], "country": code or "", "org_type": _org_type(org_type, types),
                  "contact_name": (contact_name or name)[:120], "contact_email": email[:254],
                  "website": website[:300] or None}
    return row
