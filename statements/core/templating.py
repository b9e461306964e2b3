"""Jinja filters and globals shared by every page."""

import base64
from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from flask import Flask, has_request_context, url_for
from flask_babel import format_decimal, gettext as _, ngettext
from flask_login import current_user

from statements.accounts.models import ORGANIZATION_TYPES
from statements.core.countries import country_name
from statements.core.i18n import DEFAULT_LANGUAGE, current_language
from statements.core.languages import text_direction
from statements.core.excerpts import plain_excerpt
from statements.core.markdown import render_markdown
from statements.core.policy import Permission, Role, can, sees_signatory
from statements.core.security import inline_static
from statements.core.timezones import UTC, city_of, reader_zone, zone_info


def day_and_time(value: datetime, zone: tzinfo) -> str:
    """A day and a 24-hour time in the reader's language ("01 Mar 2025, 10:00", "1 mar 2025, 10:00")."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return babel_datetime(value, "dd MMM yyyy, HH:mm", tzinfo=zone, locale=language)
    locale = Locale.parse(language)
    day = format_skeleton("yMMMd", value, tzinfo=zone, locale=locale)
    time = format_skeleton("Hm", value, tzinfo=zone, locale=locale)
    return locale.datetime_formats["medium"].format(time, day)


def format_utc(value: datetime) -> str:
    """A time in UTC, unambiguous for readers in any time zone, with the month in the reader's language."""
    return f"{day_and_time(value, timezone.utc)} UTC"


def isolated(time: str) -> str:
    """A time kept whole in a sentence of a right-to-left language: without the isolate, the sentence's
    direction draws its Latin "UTC" and its numbers apart, next to the sentence's other numbers."""
    return f"\u2068{time}\u2069" if text_direction(current_language()) == "rtl" else time


def format_datetime(value: datetime | None) -> str:
    """Show a time in the reader's time zone (UTC unless they chose one), naming the zone by its city."""
    if value is None:
        return ""
    zone = reader_zone()
    if zone == UTC:
        return isolated(format_utc(value))
    return isolated(_("%(when)s, %(city)s time", when=day_and_time(value, zone_info(zone)),
                      city=city_of(zone, current_language())))


def format_day(value: datetime | None) -> str:
    """A day, written out in the reader's language ("3 December 2026", "3 de diciembre de 2026"), in UTC."""
    if value is None:
        return ""
    return babel_format_date(value.astimezone(timezone.utc).date(), "long", locale=current_language())


def format_datetime_in(value: datetime | None, zone: str) -> str:
    """Show a time in the time zone it was given in, with UTC beside it."""
    if value is None:
        return ""
    try:
        local = value.astimezone(ZoneInfo(zone or "UTC"))
    except (KeyError, ValueError):
        return isolated(format_utc(value))
    if zone in ("UTC", "", None):
        return isolated(format_utc(value))
    return isolated(f"{day_and_time(local, local.tzinfo)} {zone} ({format_utc(value)})")


def countdown(ends_at: datetime | None, now: datetime | None = None) -> str:
    """How long until a date, counted in days of the reader's calendar: "3 days left", "ends today",
    "ended 2 days ago"."""
    if ends_at is None:
        return ""
    zone = zone_info(reader_zone())
    now = now or datetime.now(timezone.utc)
    days = (ends_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if ends_at <= now:
        if days == 0:
            return _("ended today — waiting for the coordinator")
        return ngettext("ended %(num)s day ago — waiting for the coordinator",
                        "ended %(num)s days ago — waiting for the coordinator", -days)
    if days == 0:
        return _("ends today")
    return ngettext("%(num)s day left", "%(num)s days left", days)


def role_label(value: str | None) -> str:
    """The name of a role ("coordinator") in the reader's language."""
    return Role(value).label if value in set(Role) else (value or "")


def _network() -> dict:
    """The network's name, and its logo's address when staff gave one, for every page and mail."""
    from statements.export.services import network_look  # (export builds on the core)

    look = network_look()
    # (mail rendered outside a request is plain text: no logo there)
    logo = url_for("export.network_logo", v=look.logo_version) if look.logo_version and has_request_context() else None
    return {"network_name": look.name, "network_logo": logo}


def register_templating(app: Flask) -> None:
    """Expose the policy and formatting helpers to templates."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # {% trans %} blocks read as extracted (babel.cfg: trimmed), whatever their line breaks
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["datetime_in"] = format_datetime_in
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["countdown"] = countdown
    app.jinja_env.filters["b64encode"] = lambda data: base64.b64encode(data).decode()
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["number"] = format_decimal  # 1,234 in English, 1.234 in Spanish, 1 234 in French
    app.jinja_env.globals["org_type_label"] = lambda code: str(dict(ORGANIZATION_TYPES).get(code, code))
    app.jinja_env.globals["country_name"] = lambda code: country_name(code, current_language())
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["excerpt"] = plain_excerpt
    app.jinja_env.filters["text_direction"] = text_direction
    app.jinja_env.globals["Permission"] = Permission
    app.jinja_env.globals["inline_static"] = inline_static

    @app.context_processor
    def inject_policy():
        # the person behind the proxy, found once per page: a page asks `can` dozens of times
        reader = current_user._get_current_object()
        return {
            "can": lambda permission, target=None: can(reader, permission, target),
            "sees_signatory": lambda signon: sees_signatory(reader, signon),
            **_network(),
        }
