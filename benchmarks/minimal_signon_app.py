"""The sign-on benchmark's limit: a minimal durable sign-on in plain WSGI, no framework.

Served as ``benchmarks.minimal_signon_app:app``. It does the least a sign-on must do to be a
sign-on, so that its rate and CPU time are what this machine allows, not a stack's overhead:

* ``GET /s/<slug>``: the bytes of the app's own public page (read once from
  ``MINIMAL_SIGNON_PAGE``, a file the benchmark fetched from the app), with a fresh token in
  the ``csrf_token`` input (a random nonce and its HMAC under ``SECRET_KEY``) and the current
  time in the ``started`` input;
* ``POST /s/<slug>/sign``: parses the form, checks the token's HMAC and that the required
  fields are there, then in one transaction inserts one row into the app's own ``signon`` table
  (made by the app's migrations, so the same columns and indexes are written) for the statement
  ``MINIMAL_SIGNON_STATEMENT_ID`` and one confirmation mail into ``outbox_message``, commits,
  and redirects to ``/s/<slug>/check-email``; 400 when the form is not acceptable.

The commit is as durable as the app's: on PostgreSQL a plain COMMIT (``synchronous_commit`` as
the server has it); on SQLite the app's connection settings (WAL, ``synchronous=NORMAL``,
foreign keys, a busy timeout, temporary files in memory). Each thread keeps one connection
(psycopg or sqlite3). Each response carries the same ``Server-Timing`` header as the app's.
"""

import hashlib
import hmac
import os
import re
import secrets
import sqlite3
import threading
import time
from datetime import datetime, timezone
from urllib.parse import parse_qs, quote, unquote, urlencode

from benchmarks.harness import ServerTiming

SECRET = os.environ["SECRET_KEY"].encode()
STATEMENT_ID = int(os.environ.get("MINIMAL_SIGNON_STATEMENT_ID", "0"))
REVISION_ID = int(os.environ.get("MINIMAL_SIGNON_REVISION_ID", "0"))
DATABASE_URL = os.environ["DATABASE_URL"]
REQUIRED = ("organization_name", "country", "org_type", "contact_name", "contact_email", "authorized")
CSRF_VALUE = re.compile(rb'(<input[^>]*\bname="csrf_token"[^>]*\bvalue=")[^"]*(")')
STARTED_VALUE = re.compile(rb'(<input[^>]*\bname="started"[^>]*\bvalue=")[^"]*(")')
CSRF_VALUE_FIRST = re.compile(rb'(<input[^>]*\bvalue=")[^"]*("[^>]*\bname="csrf_token")')
STARTED_VALUE_FIRST = re.compile(rb'(<input[^>]*\bvalue=")[^"]*("[^>]*\bname="started")')
TOKEN_MARK, STARTED_MARK = b"\x00TOKEN\x00", b"\x00STARTED\x00"

SIGNON_INSERT = (
    "INSERT INTO signon (statement_id, revision_id, organization_name, name_key, first_word, sort_key, acronym, "
    "country, country_sort, org_type, website, contact_name, contact_email, email_key, email_domain, message, "
    "authorized, consent_to_contact, visibility, language, status, source, code_hash, confirm_nonce, "
    "confirm_sent_at, code_attempts, withdraw_nonce, moderation_note, created_at) VALUES "
    "({})".format(", ".join(["{p}"] * 29)))
OUTBOX_INSERT = ("INSERT INTO outbox_message (created_at, to_address, subject, body_text, status, attempts, "
                 "next_attempt_at) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})")


def page_parts(page: bytes) -> list[bytes]:
    """Split the page around the token's and the start time's values, to join them with fresh ones."""
    for pattern, mark in ((CSRF_VALUE, TOKEN_MARK), (STARTED_VALUE, STARTED_MARK)):
        page, found = pattern.subn(lambda m, mark=mark: m.group(1) + mark + m.group(2), page, count=1)
        if not found:
            first = CSRF_VALUE_FIRST if mark == TOKEN_MARK else STARTED_VALUE_FIRST
            page, found = first.subn(lambda m, mark=mark: m.group(1) + mark + m.group(2), page, count=1)
        if not found:
            raise ValueError("the page has no csrf_token or started input")
    head, rest = page.split(TOKEN_MARK)
    if STARTED_MARK in head:  # the start time comes first on the page
        before, middle = head.split(STARTED_MARK)
        return [before, middle, rest, b"started-first"]
    middle, tail = rest.split(STARTED_MARK)
    return [head, middle, tail]


def new_token() -> str:
    nonce = secrets.token_hex(16)
    return nonce + "." + hmac.new(SECRET, nonce.encode(), hashlib.sha256).hexdigest()


def token_is_good(token: str) -> bool:
    nonce, _, mac = token.partition(".")
    return bool(nonce) and hmac.compare_digest(mac, hmac.new(SECRET, nonce.encode(), hashlib.sha256).hexdigest())


# --- the database ------------------------------------------------------------------------------------

class Database:
    """One connection per thread; `store` runs the two inserts and the commit."""

    def __init__(self, url: str):
        self.local = threading.local()
        if url.startswith("sqlite"):
            self.kind, self.target = "sqlite", url.split(":///", 1)[1]
            self.placeholder = "?"
        else:
            self.kind = "postgresql"
            self.target = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)
            self.placeholder = "%s"
        self.signon_sql = SIGNON_INSERT.replace("{p}", self.placeholder)
        self.outbox_sql = OUTBOX_INSERT.replace("{p}", self.placeholder)

    def connection(self):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            if self.kind == "sqlite":
                connection = sqlite3.connect(self.target, timeout=5, check_same_thread=True)
                for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=5000", "synchronous=NORMAL",
                               "temp_store=MEMORY"):
                    connection.execute(f"PRAGMA {pragma}")
            else:
                import psycopg

                connection = psycopg.connect(self.target)
            self.local.connection = connection
        return connection

    def store(self, signon: tuple, mail: tuple) -> None:
        connection = self.connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self.signon_sql, signon)
            cursor.execute(self.outbox_sql, mail)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise


# --- the app -----------------------------------------------------------------------------------------

def _load_page() -> list[bytes]:
    path = os.environ.get("MINIMAL_SIGNON_PAGE")
    if not path:
        return [b"<!doctype html><form method=post><input name=\"csrf_token\" value=\"", b"\"><input name=\"started\" "
                b"value=\"", b"\"></form>"]
    with open(path, "rb") as page:
        return page_parts(page.read())


PARTS = _load_page()
database = Database(DATABASE_URL)


def now_for(kind: str):
    moment = datetime.now(timezone.utc).replace(tzinfo=None)  # naive UTC, as the app stores it
    return moment if kind == "postgresql" else moment.isoformat(sep=" ")


def show() -> bytes:
    token, started = new_token().encode(), str(int(time.time())).encode()
    if len(PARTS) == 4:  # the start time first
        return PARTS[0] + started + PARTS[1] + token + PARTS[2]
    return PARTS[0] + token + PARTS[1] + started + PARTS[2]


def sign(environ) -> tuple[str, list, bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    fields = {name: values[0].strip() for name, values in
              parse_qs(environ["wsgi.input"].read(length).decode("utf-8", "replace")).items()}
    if not token_is_good(fields.get("csrf_token", "")) or not fields.get("started", "").isdigit() \
            or fields.get("nickname") or any(not fields.get(name) for name in REQUIRED) \
            or "@" not in fields["contact_email"]:
        return "400 Bad Request", [("Content-Type", "text/plain")], b"The form is not complete."
    name, email = fields["organization_name"], fields["contact_email"]
    folded = " ".join(name.casefold().split())
    moment = now_for(database.kind)
    confirm_nonce = secrets.token_hex(16)
    signon = (STATEMENT_ID, REVISION_ID, name, folded, folded.split(" ")[0][:60], folded, "", fields["country"], "",
              fields["org_type"], fields.get("website", ""), fields["contact_name"], email, email.casefold(),
              email.rpartition("@")[2].casefold(), fields.get("message", ""), True,
              fields.get("consent_to_contact") == "y", fields.get("visibility") or "named", "en", "pending", "form",
              "", confirm_nonce, moment, 0, secrets.token_hex(16), "", moment)
    mail = (moment, email, "Please confirm your organization's sign-on",
            f"Dear {fields['contact_name']},\n\nPlease confirm the sign-on of {name}:\n"
            f"http://127.0.0.1/s/confirm/{confirm_nonce}\n", "pending", 0, moment)
    database.store(signon, mail)
    slug = unquote(environ["PATH_INFO"].split("/")[2])
    location = f"/s/{quote(slug)}/check-email?{urlencode({'to': email})}"
    return "303 See Other", [("Location", location), ("Content-Type", "text/plain")], b""


def sign_on_app(show, sign, name: bytes):
    """A WSGI app answering GET /s/<slug> with show(environ) and POST /s/<slug>/sign with sign(environ), each
    giving (status, headers, body); `/` says its name."""
    def application(environ, start_response):
        path, method = environ.get("PATH_INFO", "/"), environ["REQUEST_METHOD"]
        parts = path.split("/")
        if len(parts) == 3 and parts[1] == "s" and method in ("GET", "HEAD"):
            status, headers, body = show(environ)
        elif len(parts) == 4 and parts[1] == "s" and parts[3] == "sign" and method == "POST":
            status, headers, body = sign(environ)
        elif path == "/":
            status, headers, body = "200 OK", [("Content-Type", "text/plain")], name
        else:
            status, headers, body = "404 Not Found", [("Content-Type", "text/plain")], b"not found"
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]
    return application


app = ServerTiming(sign_on_app(lambda _environ: ("200 OK", [("Content-Type", "text/html; charset=utf-8")], show()),
                               sign, b"minimal sign-on"))
