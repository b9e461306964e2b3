"""Time zones people choose from: grouped by region, each named by its city in the reader's language
(CLDR, through Babel), in the reader's alphabetical order; the value kept is the IANA name."""

from contextlib import contextmanager
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.core import get_global
from babel.dates import get_timezone_location
from flask import g, has_app_context, has_request_context
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from statements.core.collation import sorted_in

UTC = "UTC"

#: the regions of the IANA names, in the order a list shows them
REGIONS = {
    "Africa": _l("Africa"), "America": _l("Americas"), "Antarctica": _l("Antarctica"), "Arctic": _l("Arctic"),
    "Asia": _l("Asia"), "Atlantic": _l("Atlantic Ocean"), "Australia": _l("Australia"), "Europe": _l("Europe"),
    "Indian": _l("Indian Ocean"), "Pacific": _l("Pacific Ocean"),
}


@cache
def zone_names() -> frozenset[str]:
    """Every zone a person may choose: the canonical names of each region (not the old aliases), and UTC."""
    aliases = get_global("zone_aliases")
    return frozenset({UTC} | {name for name in available_timezones()
                              if name.split("/")[0] in REGIONS and name not in aliases})


def is_zone(name: str | None) -> bool:
    return bool(name) and name in zone_names()


def city_of(zone: str, language: str) -> str:
    """The zone's city in a language ("Ciudad de México"); its IANA name's last part where CLDR has none."""
    if zone == UTC:
        return UTC
    try:
        return get_timezone_location(zone, locale=language, return_city=True)
    except (LookupError, ValueError, ZoneInfoNotFoundError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def zone_choices(language: str) -> list[SelectChoice]:
    """Options for a select box: UTC, then each region's cities in the reader's alphabetical order."""
    with force_locale(language):
        options = [SelectChoice(UTC, _("UTC (Coordinated Universal Time)"), optgroup=_("Universal time"))]
        for prefix, region in REGIONS.items():
            zones = [name for name in zone_names() if name.split("/")[0] == prefix]
            label = str(region)
            options += [SelectChoice(name, city, optgroup=label) for name, city in
                        sorted_in(((name, city_of(name, language)) for name in zones), language, lambda z: z[1])]
    return options


def zone_info(name: str | None) -> ZoneInfo:
    """The zone of that name, or UTC for none or a name this machine does not know."""
    try:
        return ZoneInfo(name) if is_zone(name) else ZoneInfo(UTC)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(UTC)


#: where a time zone chosen for one piece of work (a mail to someone) is kept while it is made
_ZONE_FOR_NOW = "reader_zone"


@contextmanager
def reading_in(zone: str | None):
    """Show dates in a given zone while inside (for a mail to a person: theirs, not the sender's)."""
    had, before = _ZONE_FOR_NOW in g, g.get(_ZONE_FOR_NOW)
    setattr(g, _ZONE_FOR_NOW, zone if is_zone(zone) else UTC)
    try:
        yield
    finally:
        if had:
            setattr(g, _ZONE_FOR_NOW, before)
        else:
            g.pop(_ZONE_FOR_NOW, None)


def reader_zone() -> str:
    """The zone dates are shown in: the one set for the work at hand, else the person's own, else UTC."""
    if has_app_context() and g.get(_ZONE_FOR_NOW):
        return g.get(_ZONE_FOR_NOW)
    if has_request_context() and current_user and current_user.is_authenticated:
        zone = getattr(current_user, "time_zone", None)
        if is_zone(zone):
            return zone
    return UTC


class NoSuchLocalTime(ValueError):
    """A wall-clock time that a zone skips (the hour clocks jump over when summer time starts)."""


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in a zone, as an aware UTC time.

    A time the clocks skip is refused (NoSuchLocalTime), so nobody gets a moment they did not mean; a time the
    clocks pass twice (when summer time ends) is taken at its first passing, the earlier of the two."""
    tz = zone_info(zone)
    aware = local.replace(tzinfo=tz, fold=0)
    # a skipped time does not come back the same from a trip through UTC
    if aware.astimezone(ZoneInfo(UTC)).astimezone(tz).replace(tzinfo=None) != local:
        raise NoSuchLocalTime(local)
    return aware.astimezone(ZoneInfo(UTC))
