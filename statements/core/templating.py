"""Jinja filters and globals shared by every page."""

from datetime import datetime

from flask import Flask
from flask_login import current_user

from statements.core.countries import country_name
from statements.core.markdown import render_markdown
from statements.core.policy import Permission, can


def format_datetime(value: datetime | None) -> str:
    """Show a time in UTC, unambiguous for readers in any time zone."""
    if value is None:
        return ""
    return value.strftime("%d %b %Y, %H:%M UTC")


def register_templating(app: Flask) -> None:
    """Expose the policy and formatting helpers to templates."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.globals["country_name"] = country_name
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["Permission"] = Permission

    @app.context_processor
    def inject_policy():
        return {
            "can": lambda permission, target=None: can(current_user, permission, target),
            "network_name": app.config["NETWORK_NAME"],
        }
