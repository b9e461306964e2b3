"""Read sign-ons that staff paste or upload: one per line or CSV. Pure functions."""

import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from statements.accounts.models import ORGANIZATION_TYPES
from statements.core.countries import country_choices

MAX_ROWS = 5000
_TYPE_CODES = {code for code, _ in ORGANIZATION_TYPES}
_TYPE_BY_LABEL = {label.casefold(): code for code, label in ORGANIZATION_TYPES}


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
    value = value.strip()
    codes = dict(country_choices())
    if value.upper() in codes:
        return value.upper()
    by_name = {name.casefold(): code for code, name in codes.items()}
    return by_name.get(value.casefold())


def _org_type(value: str) -> str:
    value = value.strip().casefold()
    if value in _TYPE_CODES:
        return value
    return _TYPE_BY_LABEL.get(value, "other")


def parse_rows(text: str) -> list[Row]:
    """Read "organization; country; type; contact name; contact email; website" lines (or CSV with a header)."""
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        return []
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[Row] = []
    # numbered as staff see the lines they pasted: blank lines and line breaks inside quotes count
    end_of_previous, first_record = 0, True
    for cells in reader:
        number, end_of_previous = end_of_previous + 1, reader.line_num
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        is_first, first_record = first_record, False
        if is_first and re.match(r"(?i)^(organi[sz]ation|name)", cells[0]):
            continue  # a header line
        rows.append(_row(number, cells))
        if len(rows) > MAX_ROWS:
            rows[-1].problems.append(f"Only {MAX_ROWS:,} lines can be added at once.")
            break
    return rows


def _row(number: int, cells: list[str]) -> Row:
    cells += [""] * (6 - len(cells))
    name, country, org_type, contact_name, email, website = cells[:6]
    row = Row(number)
    if not name or len(name) > 200:
        row.problems.append("needs an organization name (at most 200 characters)")
    code = _country(country)
    if code is None:
        row.problems.append(f"“{country[:40]}” is not a country: use a two-letter code such as GT or its English name")
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        row.problems.append(f"“{email[:60]}” is not an email address")
    if website and not website.startswith(("http://", "https://")):
        row.problems.append("the website must start with https://")
    row.fields = {"organization_name": name[:200], "country": code or "", "org_type": _org_type(org_type),
                  "contact_name": (contact_name or name)[:120], "contact_email": email[:254],
                  "website": website[:300] or None}
    return row
