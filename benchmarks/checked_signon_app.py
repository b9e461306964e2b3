"""The sign-on benchmark's second limit: the minimal durable sign-on with every check the app makes.

Served as ``benchmarks.checked_signon_app:app``. The minimal app (``minimal_signon_app.py``) is
what storing a sign-on costs; this is what storing it *and checking it as the app does* costs,
in plain WSGI with no framework, each check done the cheapest honest way:

* a session cookie signed as Flask signs it (itsdangerous, HMAC) holding the CSRF secret, and
  the form's token signed from that secret as Flask-WTF signs it; checked on POST;
* the signed start time (``started``) and the empty honeypot (``nickname``);
* the form's rules: required fields, lengths, the country among the ISO codes, the type and the
  visibility among their choices, the website's shape, the email by ``email_validator`` (the
  library the form uses) when it is not plainly valid, as the form checks it (`core.forms.plainly_valid_address`);
* the per-address limit, counted in Redis as the app's limiter counts it: two fixed windows, as
  production's "10 per minute; 60 per hour" (one script that increments each and sets its expiry,
  one round trip, on each thread's own connection as the app runs it: `core.rate_limits._run`);
* the statement open: the INSERT only writes while the statement is open (a condition in the same
  statement, so no round trip of its own);
* the duplicate check the app makes before it stores a sign-on: an active sign-on of the statement holding
  the same name key (one indexed query, as the app's own); an exact same name is not stored twice (the
  answer is the same, as in the app). The app compares a sign-on with look-alikes when its contact
  confirms it, a request neither app serves;
* the stored keys as the app stores them (name key, acronym, ICU sort keys, email keys) and the
  code's HMAC; the sign-on and its outbox row in one statement on PostgreSQL, two on SQLite; COMMIT;
* the mark in Redis that asks a worker to deliver mail (SET NX), set once a moment in each process, as the app
  asks for delivery once for the sign-ons of a moment (`core.jobs.enqueue_gathered`), and the session cookie
  written again with the address the signer gave, for the check-your-email page.

It reads the app's own modules only for pure functions and constants (no Flask at
request time, no ORM). The statement's id and final revision come from the environment, as the minimal
app's do.
"""

import hashlib
import hmac
import json
import os
import secrets
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, quote, urlsplit

from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, URLSafeTimedSerializer
from redis import Redis, RedisError

from benchmarks.harness import ServerTiming
from benchmarks.minimal_signon_app import PARTS, REVISION_ID, STATEMENT_ID, database, now_for, sign_on_app
from statements.accounts.models import ORGANIZATION_TYPES
from statements.core.collation import stored_sort_key
from statements.core.countries import country_choices, country_name
from statements.core.forms import plainly_valid_address
from statements.core.jobs import GATHER_SECONDS
from statements.core.rate_limits import _run as run_script
from statements.signons import duplicates, services
from statements.signons.models import MESSAGE_MAX, NAME_MAX, Visibility

SECRET = os.environ["SECRET_KEY"]
REDIS = Redis.from_url(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12", socket_timeout=2)
LIMIT_PER_MINUTE, LIMIT_PER_HOUR = 100000, 1000000  # as the benchmark's app: a burst is measured, not refused
COUNTRIES = frozenset(code for code, _name in country_choices("en"))
ORG_TYPES = frozenset(code for code, _label in ORGANIZATION_TYPES)
VISIBILITIES = frozenset(v.value for v in Visibility)
LENGTHS = {"organization_name": NAME_MAX, "contact_name": 120, "contact_email": 254, "website": 300,
           "message": MESSAGE_MAX}
REQUIRED = ("organization_name", "country", "org_type", "contact_name", "contact_email", "visibility", "authorized")

# Flask's session cookie and Flask-WTF's token, signed the same way
SESSION = URLSafeTimedSerializer(SECRET, salt="cookie-session",
                                 signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
CSRF = URLSafeTimedSerializer(SECRET, salt="wtf-csrf-token")
STARTED = URLSafeTimedSerializer(SECRET, salt="signon-form-started")
#: the limiter's fixed windows: increment each, and set its expiry on its first hit, in one round trip
LIMIT_SCRIPT = REDIS.register_script(
    "local counts = {} for i, key in ipairs(KEYS) do local n = redis.call('INCR', key) "
    "if n == 1 then redis.call('EXPIRE', key, ARGV[i]) end counts[i] = n end return counts")

#: an active sign-on of the statement holding the name (as `services.active_condition` says active)
HELD = ("FROM signon WHERE statement_id = {p} AND name_key = {p} AND (status IN ('confirmed', 'approved') "
        "OR (status = 'pending' AND confirm_sent_at >= {p}))")
SIGNON_COLUMNS = ("statement_id", "revision_id", "organization_name", "name_key", "first_word", "sort_key",
                  "acronym", "country", "country_sort", "org_type", "website", "contact_name", "contact_email",
                  "email_key", "email_domain", "message", "authorized", "consent_to_contact", "visibility",
                  "language", "status", "source", "code_hash", "confirm_nonce", "confirm_sent_at", "code_attempts",
                  "withdraw_nonce", "moderation_note", "created_at", "possible_duplicate_of_id", "duplicate_reason")
OPEN = ("EXISTS (SELECT 1 FROM statement WHERE id = {p} AND state = 'signon_open' "
        "AND (signon_deadline IS NULL OR signon_deadline > {p}))")
MAIL_COLUMNS = ("created_at", "to_address", "subject", "body_text", "status", "attempts", "next_attempt_at",
                "writer", "writer_args")


#: when this process last set the mark asking a worker to deliver mail (time.monotonic())
_marked_at = [float("-inf")]


def _ask_for_delivery() -> None:
    """Set the mark asking a worker to deliver mail, at most once a moment (`GATHER_SECONDS`) in this process, as
    the app asks for delivery once for the sign-ons of a moment."""
    now = time.monotonic()
    if now - _marked_at[0] < GATHER_SECONDS:
        return
    _marked_at[0] = now
    try:
        REDIS.set("checked:waiting:deliver", 1, nx=True, ex=60)
    except RedisError:
        pass  # (the app's periodic sender makes up for it)


def _statements(kind: str) -> tuple[str, ...]:
    """The INSERTs: on SQLite the sign-on's (while the statement is open) and the mail's; on PostgreSQL both in
    one statement."""
    p = "?" if kind == "sqlite" else "%s"
    condition = OPEN.replace('{p}', p)
    if kind == "sqlite":
        values = ", ".join([p] * len(SIGNON_COLUMNS))
        signon = (f"INSERT INTO signon ({', '.join(SIGNON_COLUMNS)}) SELECT {values} "
                  f"WHERE {condition}")
        mail = f"INSERT INTO outbox_message ({', '.join(MAIL_COLUMNS)}) VALUES ({', '.join([p] * len(MAIL_COLUMNS))})"
        return signon, mail
    types = _column_types()
    values = ", ".join(f"{p}::{types[column]}" for column in SIGNON_COLUMNS)
    mail_values = ", ".join(f"{p}::{types['outbox_message.' + column]}" for column in MAIL_COLUMNS)
    both = (f"WITH new_row AS (INSERT INTO signon ({', '.join(SIGNON_COLUMNS)}) SELECT {values} "
            f"WHERE {condition} RETURNING id), "
            f"mail AS (INSERT INTO outbox_message ({', '.join(MAIL_COLUMNS)}) SELECT {mail_values} FROM new_row) "
            "SELECT id FROM new_row")
    return both, ""


def _column_types() -> dict[str, str]:
    """Each column's type, for the casts a parameter needs in INSERT ... SELECT (read once, at start)."""
    rows = database.connection().execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_name IN ('signon', 'outbox_message') AND table_schema = current_schema()").fetchall()
    database.connection().rollback()
    return {(column if table == "signon" else f"outbox_message.{column}"):
            ("varchar" if kind == "character varying" else kind) for table, column, kind in rows}


SIGNON_SQL, MAIL_SQL = _statements(database.kind)
HELD_SQL = "SELECT 1 " + HELD.replace("{p}", "?" if database.kind == "sqlite" else "%s") + " LIMIT 1"


# --- the two requests --------------------------------------------------------------------------------

def _session(environ) -> dict:
    for part in environ.get("HTTP_COOKIE", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "session":
            try:
                return SESSION.loads(value, max_age=31 * 24 * 3600)
            except BadSignature:
                return {}
    return {}


def _cookie(session: dict) -> tuple[str, str]:
    return ("Set-Cookie", f"session={SESSION.dumps(session)}; HttpOnly; Path=/; SameSite=Lax")


def show(environ) -> tuple[str, list, bytes]:
    session = _session(environ)
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Vary", "Cookie")]
    if "csrf_token" not in session:
        session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()
        headers.append(_cookie(session))
    token, started = CSRF.dumps(session["csrf_token"]).encode(), STARTED.dumps(time.time()).encode()
    if len(PARTS) == 4:  # the start time first
        return "200 OK", headers, PARTS[0] + started + PARTS[1] + token + PARTS[2]
    return "200 OK", headers, PARTS[0] + token + PARTS[1] + started + PARTS[2]


def _refused(reason: str) -> tuple[str, list, bytes]:
    return "400 Bad Request", [("Content-Type", "text/plain")], reason.encode()


def _form_problem(fields: dict) -> str | None:
    """What the form would refuse, or None (the same rules; the app says them beside each field)."""
    for name in REQUIRED:
        if not fields.get(name):
            return f"{name} is required"
    for name, limit in LENGTHS.items():
        if len(fields.get(name, "")) > limit:
            return f"{name} is too long"
    if fields["country"] not in COUNTRIES or fields["org_type"] not in ORG_TYPES \
            or fields["visibility"] not in VISIBILITIES:
        return "not a choice"
    website = fields.get("website")
    if website and (urlsplit(website).scheme not in ("http", "https") or "." not in urlsplit(website).netloc):
        return "website"
    if plainly_valid_address(fields["contact_email"]):
        return None
    try:
        validate_email(fields["contact_email"], check_deliverability=False)
    except EmailNotValidError:
        return "email"
    return None


def _over_limit(environ) -> bool:
    now, address = time.time(), environ.get("REMOTE_ADDR", "")
    keys = [f"checked-limit/{address}/minute/{int(now // 60)}", f"checked-limit/{address}/hour/{int(now // 3600)}"]
    minute, hour = run_script(LIMIT_SCRIPT, keys, [60, 3600])
    return int(minute) > LIMIT_PER_MINUTE or int(hour) > LIMIT_PER_HOUR


def sign(environ) -> tuple[str, list, bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    if b"\x00" in body or b"%00" in body:
        return _refused("NUL")
    fields = {name: values[0].strip() for name, values in parse_qs(body.decode("utf-8", "replace")).items()}
    session = _session(environ)
    try:
        good_token = hmac.compare_digest(CSRF.loads(fields.get("csrf_token", ""), max_age=8 * 3600),
                                         session.get("csrf_token", ""))
        STARTED.loads(fields.get("started", ""), max_age=24 * 3600)
    except (BadSignature, TypeError):
        good_token = False
    if not good_token:
        return _refused("The form is out of date.")
    if _over_limit(environ):
        return "429 Too Many Requests", [("Content-Type", "text/plain"), ("Retry-After", "60")], b""
    problem = "too fast" if fields.get("nickname") else _form_problem(fields)
    if problem:
        return _refused(problem)
    stored = store(fields)
    if stored is None:
        return "403 Forbidden", [("Content-Type", "text/plain")], b"Sign-on is closed."
    _ask_for_delivery()
    slug = environ["PATH_INFO"].split("/")[2]
    session["signon_check_email"] = {"slug": slug, "email": fields["contact_email"][:254]}
    return "302 Found", [("Location", f"/s/{quote(slug)}/check-email"), ("Content-Type", "text/plain"),
                         _cookie(session)], b""


def store(fields: dict) -> bool | None:
    """Look for the same name, then store the sign-on with its mail, in one transaction; None when closed."""
    name, email = " ".join(fields["organization_name"].split()), fields["contact_email"]
    key = duplicates.name_key(name)[:200] or duplicates.fold(name)[:200] or name.casefold()[:200]
    first_word, acronym = (key.split() or [""])[0][:60], duplicates.acronym(name)[:30]
    email_key, email_domain = duplicates.email_key(email), duplicates.email_domain(email)
    moment = now_for(database.kind)
    cutoff = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=services.CONFIRM_DAYS)
    cutoff = cutoff if database.kind == "postgresql" else cutoff.isoformat(sep=" ")
    nonce, code = secrets.token_hex(8), f"{secrets.randbelow(1_000_000):06d}"
    code_hash = hmac.new(SECRET.encode(), f"{nonce}:{code}".encode(), hashlib.sha256).hexdigest()
    signon = (STATEMENT_ID, REVISION_ID, name, key, first_word, stored_sort_key(name, 200), acronym,
              fields["country"], stored_sort_key(country_name(fields["country"]), 80), fields["org_type"],
              fields.get("website") or None, " ".join(fields["contact_name"].split()), email, email_key,
              email_domain, fields.get("message", ""), True, fields.get("consent_to_contact") == "y",
              fields["visibility"], "en", "pending", "form", code_hash, nonce, moment, 0, secrets.token_hex(8),
              "", moment, None, None, STATEMENT_ID, moment)
    mail = (moment, email, "", "", "pending", 0, moment, "signon_confirm",
            json.dumps({"confirm_nonce": nonce, "code": code}))
    connection = database.connection()
    try:
        cursor = connection.cursor()
        if cursor.execute(HELD_SQL, (STATEMENT_ID, key, cutoff)).fetchone() is not None:
            connection.rollback()
            return True  # an exact repeat: not stored twice (the app mails the address given instead)
        if database.kind == "postgresql":
            cursor.execute(SIGNON_SQL, signon + mail)
            written = cursor.fetchone() is not None
        else:
            cursor.execute(SIGNON_SQL, signon)
            written = cursor.rowcount == 1
            if written:
                cursor.execute(MAIL_SQL, mail)
        connection.commit()
        return True if written else None
    except BaseException:
        connection.rollback()
        raise


app = ServerTiming(sign_on_app(show, sign, b"checked sign-on"))
