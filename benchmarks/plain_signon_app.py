"""The sign-on benchmark's plain stack: its core work done by the plain libraries alone.

Served as ``benchmarks.plain_signon_app:app``: a bare Flask app with one Flask-WTF form holding
the fields and validators of the app's ``SignOnForm`` (CSRF on, ``SECRET_KEY`` from the
environment; WTForms' widgets, but for the country select, drawn with the app's own widget), and
one table written with SQLAlchemy Core on ``DATABASE_URL``:

* ``GET /s/<slug>``: a minimal page with the form (the 250 countries included), a CSRF token in
  the session cookie and a ``started`` hidden input, as the benchmark reads them on the app's page;
* ``POST /s/<slug>/sign``: validates the form, inserts one row into ``plain_signon``, commits,
  and redirects to ``/s/<slug>/check-email``; 400 with the form when it is not valid.

No statement, duplicate checks, confirmation mail or rate limit: what is left is the work every
sign-on on this stack does (render the form, check it, store a row). Unlike the app, which reuses
its rendered public page, it renders the form on every GET. The table is made beforehand with
``create_table``, so that workers starting together do not race to create it. Each response
carries the same ``Server-Timing`` header as the app's.
"""

import os
import sqlite3
import time
from datetime import datetime, timezone
from urllib.parse import urlencode

from flask import Flask, redirect, render_template
from flask_babel import Babel
from flask_wtf import FlaskForm
from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, event, insert
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, Length, Optional

from benchmarks.harness import ServerTiming
from statements.accounts.models import ORGANIZATION_TYPES
from statements.core.countries import country_choices
from statements.core.forms import LongSelect
from statements.signons.models import MESSAGE_MAX, NAME_MAX, Visibility

# The app's choices, limits and select widget, so that both draw the same form; importing them
# defines the app's models in this process too, which costs memory but nothing per request.
VISIBILITIES = [(visibility.value, visibility.label) for visibility in Visibility]

metadata = MetaData()
plain_signon = Table(
    "plain_signon", metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_name", String(NAME_MAX), nullable=False),
    Column("country", String(2), nullable=False),
    Column("org_type", String(20), nullable=False),
    Column("website", String(300), nullable=False),
    Column("contact_name", String(120), nullable=False),
    Column("contact_email", String(254), nullable=False),
    Column("message", Text, nullable=False),
    Column("visibility", String(10), nullable=False),
    Column("consent_to_contact", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
TEXT_COLUMNS = ("organization_name", "country", "org_type", "website", "contact_name", "contact_email", "message",
                "visibility")


def strip_spaces(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SignOnForm(FlaskForm):
    organization_name = StringField("Organization name", validators=[DataRequired(), Length(max=NAME_MAX)])
    country = SelectField("Country", choices=[("", "Choose a country")] + country_choices(),
                          validators=[DataRequired()], widget=LongSelect())
    org_type = SelectField("Type of organization", choices=[("", "Choose a type")] + ORGANIZATION_TYPES,
                           validators=[DataRequired()])
    website = StringField("Website (optional)", filters=[strip_spaces],
                          validators=[Optional(), Length(max=300), URL(require_tld=True)])
    contact_name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    contact_email = EmailField("Your email address", filters=[strip_spaces],
                               validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)])
    message = TextAreaField("A message to the coordinators (optional)",
                            validators=[Optional(), Length(max=MESSAGE_MAX)])
    visibility = RadioField("How should your organization appear?", default="named", choices=VISIBILITIES,
                            validators=[DataRequired()])
    authorized = BooleanField("I am authorized to sign on behalf of this organization", validators=[DataRequired()])
    consent_to_contact = BooleanField("You may email me about future statements of the network")
    nickname = StringField("Leave this field empty", validators=[Optional()])
    started = HiddenField()


def make_engine(database_url: str):
    """A plain engine; on SQLite, WAL and a busy timeout, as the app sets them on its connections."""
    engine = create_engine(database_url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_table(database_url: str) -> None:
    """Create plain_signon; run once before the server starts."""
    engine = make_engine(database_url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()


app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
Babel(app)  # (the app's labels it borrows, the visibilities', are translated when drawn: in English here)
engine = make_engine(os.environ["DATABASE_URL"])

# Compiled once: render_template_string would compile the template again on every request.
PAGE = app.jinja_env.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign on</title></head><body>
<form method="post" action="/s/{{ slug }}/sign">
{{ form.csrf_token }}{{ form.started(value=started) }}
{% for field in form if field.name not in ("csrf_token", "started") %}
<p>{{ field.label }} {{ field() }}{% for error in field.errors %} <strong>{{ error }}</strong>{% endfor %}</p>
{% endfor %}
<button type="submit">Sign</button>
</form></body></html>""")


def page(form: SignOnForm, slug: str) -> str:
    return render_template(PAGE, form=form, slug=slug, started=str(int(time.time())))


@app.get("/s/<slug>")
def show(slug: str):
    return page(SignOnForm(), slug)


@app.post("/s/<slug>/sign")
def sign(slug: str):
    form = SignOnForm()
    if not form.validate_on_submit():
        return page(form, slug), 400
    row = {name: getattr(form, name).data or "" for name in TEXT_COLUMNS}
    row.update(consent_to_contact=form.consent_to_contact.data, created_at=datetime.now(timezone.utc))
    with engine.begin() as connection:
        connection.execute(insert(plain_signon), row)
    return redirect(f"/s/{slug}/check-email?{urlencode({'to': row['contact_email']})}")


app.wsgi_app = ServerTiming(app.wsgi_app)
