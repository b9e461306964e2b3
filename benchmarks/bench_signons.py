"""Sign-on benchmark: a burst of public sign-ons, and the public pages with many signatories.

    .venv/bin/python benchmarks/bench_signons.py [--signons 2000] [--concurrency 16] [--rounds 2]
                                                 [--listed 20000] [--page-requests 50]
                                                 [--database-url URL] [--only postgresql|sqlite]
                                                 [--without PART ...]

For PostgreSQL (a fresh schema in the database given, dropped at the end) and then SQLite (a
temporary instance folder, WAL), it migrates a new database, creates a coordinator, a working
group and statements frozen as final with sign-on open, through the app's own services, and:

1. serves the app (``benchmarks.signon_app:app``), the plain stack (``benchmarks.plain_signon_app:app``:
   bare Flask, Flask-WTF and SQLAlchemy Core doing the same form and one insert, nothing else)
   and the bare Flask hello-world side by side under gunicorn on 127.0.0.1 (as many workers as
   ``statements/gunicorn_config.py`` runs in production, on either database; the app and the
   plain stack with --app-threads threads each) and
   sends a burst of sign-ons from concurrent clients: each fetches the public page (CSRF token,
   session cookie, signed start time) and posts the form with an organization name and email of
   its own. The same organizations sign on through the plain stack too, into a table of its
   own; then a burst of POSTs alone (each client fetched its form once beforehand), and the same
   clients asking the hello-world. It prints each rate against the hello-world's, the app's
   against the plain stack's, and checks in the database that every accepted sign-on was stored
   once and nothing else.
2. inserts many approved sign-ons into another statement directly (names, countries, types and
   days spread like a real campaign) and times, with one client, the public page, the
   signatories page and the API: the first request of a fresh server process, the steady state
   with the count cache as shipped, and the steady state with the count cache off.

``--without`` leaves parts of a sign-on's work (the form's rules, the limit, the same-name lookup, the
mail worker's wake-up, the log line) out of the app's server, to measure what they cost and the floor
without them; such a server is not the app (``benchmarks/signon_app.py``).

It prints plain lines; nothing asserts a timing. Everything it created is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_pages import flask_command, instance_and_database  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    HOST, PROJECT_ROOT, SIGNON_PARTS, USER_AGENT, BackendCpu, GunicornServer, named_connections,
    add_app_threads_argument, csrf_token, gunicorn_version, percentile, worker_options, workers_text,
)

APP_TARGET = "benchmarks.signon_app:app"
HELLO_TARGET = "benchmarks.hello_app:app"
PLAIN_TARGET = "benchmarks.plain_signon_app:app"
MINIMAL_TARGET = "benchmarks.minimal_signon_app:app"
CHECKED_TARGET = "benchmarks.checked_signon_app:app"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STARTED_INPUT = re.compile(r'<input[^>]*\bname="started"[^>]*>')
VALUE_ATTRIBUTE = re.compile(r'\bvalue="([^"]*)"')

# --- generated organizations ----------------------------------------------------------------------

#: country code, relative weight, places (a campaign of migrants' and workers' organizations)
COUNTRIES = [
    ("PH", 9, ["Manila", "Cebu", "Davao", "Iloilo", "Tacloban", "Baguio"]),
    ("IN", 9, ["Chennai", "Kolkata", "Mumbai", "Bhubaneswar", "Patna", "Kochi", "Guwahati"]),
    ("BD", 8, ["Dhaka", "Chittagong", "Khulna", "Sylhet", "Barisal", "Rajshahi"]),
    ("KE", 6, ["Nairobi", "Mombasa", "Kisumu", "Garissa", "Turkana", "Nakuru"]),
    ("MX", 6, ["Oaxaca", "Tapachula", "Ciudad Juárez", "Tijuana", "Chiapas", "Guadalajara"]),
    ("GT", 4, ["Quetzaltenango", "Huehuetenango", "Cobán", "Escuintla"]),
    ("HN", 3, ["Tegucigalpa", "San Pedro Sula", "Choluteca"]),
    ("CO", 4, ["Cali", "Bogotá", "Cúcuta", "Medellín", "Tumaco"]),
    ("BR", 5, ["Recife", "Belém", "São Paulo", "Manaus", "Salvador", "Porto Alegre"]),
    ("PE", 2, ["Lima", "Cusco", "Iquitos", "Puno"]),
    ("NG", 5, ["Lagos", "Kano", "Port Harcourt", "Maiduguri", "Ibadan"]),
    ("SN", 3, ["Dakar", "Saint-Louis", "Ziguinchor", "Thiès"]),
    ("ML", 2, ["Bamako", "Mopti", "Kayes"]),
    ("UG", 3, ["Gulu", "Kampala", "Arua", "Mbale"]),
    ("ZA", 3, ["Durban", "Cape Town", "Johannesburg", "Gqeberha"]),
    ("ET", 2, ["Addis Ababa", "Dire Dawa", "Gambela"]),
    ("SO", 1, ["Mogadishu", "Baidoa", "Hargeisa"]),
    ("NP", 3, ["Pokhara", "Kathmandu", "Biratnagar", "Nepalgunj"]),
    ("PK", 4, ["Karachi", "Lahore", "Hyderabad", "Peshawar", "Quetta"]),
    ("ID", 4, ["Makassar", "Jakarta", "Semarang", "Medan", "Kupang"]),
    ("VN", 3, ["Huế", "Cần Thơ", "Hà Nội", "Đà Nẵng"]),
    ("FJ", 2, ["Suva", "Lautoka", "Labasa"]),
    ("TV", 1, ["Funafuti"]),
    ("KI", 1, ["Tarawa"]),
    ("TR", 3, ["Izmir", "Istanbul", "Gaziantep", "Hatay"]),
    ("LB", 2, ["Beirut", "Tripoli", "Saida"]),
    ("JO", 1, ["Amman", "Irbid", "Mafraq"]),
    ("MA", 2, ["Rabat", "Oujda", "Tanger"]),
    ("PL", 2, ["Kraków", "Warszawa", "Gdańsk", "Łódź"]),
    ("DE", 3, ["Berlin", "Hamburg", "Köln", "Leipzig"]),
    ("FR", 3, ["Marseille", "Paris", "Lyon", "Calais"]),
    ("ES", 3, ["Almería", "Madrid", "Barcelona", "Ceuta", "Las Palmas"]),
    ("IT", 2, ["Palermo", "Napoli", "Torino", "Lampedusa"]),
    ("GB", 3, ["London", "Glasgow", "Birmingham", "Cardiff"]),
    ("US", 4, ["El Paso", "New York", "Miami", "Chicago", "Houston", "Oakland"]),
    ("CA", 2, ["Toronto", "Montréal", "Vancouver"]),
    ("AU", 2, ["Sydney", "Melbourne", "Darwin"]),
    ("PY", 1, ["Asunción", "Encarnación"]),
]
DESCRIPTORS = ["Women's", "Migrant Workers'", "Domestic Workers'", "Climate Justice", "Coastal Communities",
               "Rural Women's", "Youth", "Indigenous Peoples'", "Garment Workers'", "Farmworkers'", "Fisherfolk",
               "Urban Poor", "Refugee", "Human Rights", "Land Rights", "Water Justice", "Health Workers'",
               "Teachers'", "Seafarers'", "Street Vendors'", "Disability Rights", "Legal Aid", "Peasant",
               "Community Health", "Housing Rights", "Feminist", "Pastoralist", "Displaced Persons'",
               "Flood Survivors'", "Care Workers'"]
NOUNS = ["Network", "Union", "Alliance", "Collective", "Association", "Forum", "Coalition", "Centre", "Federation",
         "Solidarity Group", "Council", "Movement", "Foundation", "Initiative", "Project", "Trust", "Platform",
         "Committee", "Institute", "Cooperative"]
#: how organizations in Spanish-, Portuguese- and French-speaking countries often name themselves
LOCAL_PATTERNS = {
    "es": (["Asociación", "Colectivo", "Red", "Coordinadora", "Fundación", "Movimiento", "Sindicato", "Centro"],
           ["de Mujeres Migrantes", "de Trabajadoras del Hogar", "por la Justicia Climática", "de Jóvenes Rurales",
            "de Pueblos Indígenas", "de Derechos Humanos", "de Personas Desplazadas", "de Pescadores Artesanales",
            "Campesina", "de Defensoras de la Tierra"]),
    "pt": (["Associação", "Coletivo", "Rede", "Fórum", "Movimento", "Sindicato", "Centro", "Instituto"],
           ["de Mulheres Migrantes", "de Trabalhadoras Domésticas", "pela Justiça Climática", "dos Atingidos",
            "de Juventude Rural", "de Povos Indígenas", "de Direitos Humanos", "de Pescadores"]),
    "fr": (["Collectif", "Association", "Réseau", "Coordination", "Fédération", "Syndicat", "Centre", "Plateforme"],
           ["des Femmes Migrantes", "des Travailleuses Domestiques", "pour la Justice Climatique",
            "des Jeunes Ruraux", "des Personnes Déplacées", "des Droits Humains", "des Pêcheurs Artisanaux",
            "Paysanne"]),
}
LANGUAGE_OF = {"MX": "es", "GT": "es", "HN": "es", "CO": "es", "PE": "es", "ES": "es", "PY": "es",
               "BR": "pt", "SN": "fr", "ML": "fr", "FR": "fr", "MA": "fr"}
ORG_TYPES = ["ngo", "union", "grassroots", "network", "womens", "migrant", "faith", "research", "other"]
TYPE_WEIGHTS = [22, 14, 20, 12, 10, 12, 4, 4, 2]
FIRST_NAMES = ["Amina", "Carmen", "Mateus", "Ngozi", "Olga", "Lin", "Fatima", "José", "Priya", "Kwame", "Sofía",
               "Nguyen", "Aisha", "Rahul", "Mariam", "Diego", "Chipo", "Hana", "Tomasz", "Leila", "Juan", "Ayesha",
               "Samuel", "Rosa", "Ibrahim", "Mei", "Grace", "Omar", "Lucía", "Thandiwe", "Ravi", "Elif"]
LAST_NAMES = ["Okafor", "García", "Silva", "Rahman", "Kowalska", "Mensah", "Hernández", "Santos", "Das", "Odhiambo",
              "Nguyen", "Yilmaz", "Haddad", "Kamau", "Torres", "Banda", "Ahmed", "Pereira", "Diallo", "Reyes",
              "Chowdhury", "Mwangi", "Fernández", "Tan", "Ndlovu", "Castro", "Hussain", "Moreau", "Kaya", "Lopez"]
PUBLIC_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "proton.me", "hotmail.com", "riseup.net"]


def _slug(text: str) -> str:
    from statements.signons.duplicates import fold

    return fold(text).replace(" ", "")[:20] or "org"


def organizations(count: int, seed: int, taken: set[str] | None = None) -> list[dict]:
    """`count` organizations as the sign-on form would receive them, no two with the same name key or contact
    address (`taken` holds both, across the bursts of a run).

    Names follow a few common patterns (English, Spanish, Portuguese, French), countries are
    weighted like a campaign among migrants' and workers' organizations, contacts have their own
    names, and about half write from their organization's own mail domain.
    """
    from statements.signons.duplicates import acronym, name_key

    rng = random.Random(seed)
    taken = taken if taken is not None else set()
    weights = [weight for _, weight, _ in COUNTRIES]
    result = []
    attempts = 0
    while len(result) < count:
        attempts += 1
        if attempts > count * 50:
            raise SystemExit(f"could not generate {count} distinct organization names")
        code, _, places = rng.choices(COUNTRIES, weights)[0]
        place = rng.choice(places)
        language = LANGUAGE_OF.get(code)
        if language and rng.random() < 0.7:
            kinds, purposes = LOCAL_PATTERNS[language]
            name = f"{rng.choice(kinds)} {rng.choice(purposes)} de {place}"
        else:
            name = f"{rng.choice(DESCRIPTORS)} {rng.choice(NOUNS)} of {place}"
        if rng.random() < 0.05:
            name = "The " + name
        key = name_key(name)
        if key in taken:
            continue
        taken.add(key)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        number = len(result)
        if rng.random() < 0.5:
            domain = f"{acronym(name) or _slug(name)}-{_slug(place)}.org"
            email = f"{_slug(first)}.{_slug(last)}{number}@{domain}"
            website = f"https://{domain}/" if rng.random() < 0.6 else ""
        else:
            email = f"{_slug(first)}{_slug(last)}{number}@{rng.choice(PUBLIC_MAIL)}"
            website = ""
        if email in taken:  # (another burst's contact: each burst's mails are counted by their addresses)
            continue
        taken.add(email)
        roll = rng.random()
        visibility = "named" if roll < 0.9 else ("country" if roll < 0.97 else "count")
        result.append({
            "organization_name": name,
            "country": code,
            "org_type": rng.choices(ORG_TYPES, TYPE_WEIGHTS)[0],
            "website": website,
            "contact_name": f"{first} {last}",
            "contact_email": email,
            "message": rng.choice(["", "", "", "We are glad to join.", "Thank you for this statement. "
                                   "Our members in the region face exactly this."]),
            "visibility": visibility,
            "consent_to_contact": rng.random() < 0.4,
        })
    return result


# --- setting up the instance (run in a subprocess with the instance's environment) --------------

STATEMENT_TEXT = """# Loss and damage finance must reach the people who move

Climate change already forces millions of people from their homes every year. Floods, droughts,
storms and rising seas destroy houses, fields and workplaces; slow changes such as salt in the
soil and the loss of fishing grounds push families to leave over years. Most stay within their
own countries; some cross borders. All of them lose more than a house.

The new fund for responding to loss and damage is meant for exactly this. We, the undersigned
organizations of migrants, workers, women, young people and communities on the front line, call
on the fund's board to make sure its money reaches the people who move.

## We call on the fund's board to

- set aside a share of every disbursement for displaced and relocated communities, and for the
  communities that receive them;
- let community organizations apply directly, in their own languages, without going through
  national governments;
- count non-economic losses: land, culture, language, graves and the places where people belong;
- pay for planned relocation only where the people concerned have agreed to it, and for their
  right to return when it is safe;
- report every year, in public, on how much reached people who moved.

## Why it matters

People who move because of climate change are too often treated as a security problem. They are
workers, neighbours and members of our communities. Support that reaches them early keeps
families together, lets children stay in school and spares people from debt and exploitation.

We will follow the fund's decisions, and we are ready to help its board reach the communities
we work with.
"""


def setup_in_instance(statements_json: str) -> None:
    """Create a coordinator, a group and the given statements, final with sign-on open; print their ids."""
    from statements import create_app
    from statements.accounts.models import Membership, User, WorkingGroup
    from statements.core.policy import Role
    from statements.drafts import services as drafts
    from statements.extensions import db
    from statements.signons import services as signons

    app = create_app()
    with app.app_context():
        coordinator = User(display_name="Benchmark Coordinator", is_admin=True)
        coordinator.set_email("coordinator@example.org")
        coordinator.set_password("benchmark-password")
        group = WorkingGroup(name="Climate and Displacement", description="Benchmark group")
        db.session.add_all([coordinator, group])
        db.session.add(Membership(user=coordinator, group=group, role=Role.COORDINATOR.value))
        db.session.flush()
        made = {}
        for slug, title in json.loads(statements_json):
            statement = drafts.create_statement(coordinator, group, title, slug, "en",
                                                "A call to the loss and damage fund's board.", STATEMENT_TEXT)
            drafts.transition(coordinator, statement, "final")
            signons.open_signon(coordinator, statement, None, "UTC", True, "", False)
            db.session.flush()
            made[slug] = statement.id
            made[f"{slug}:revision"] = statement.final_revision_id
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # as autovacuum keeps them on a server in use: plans made without statistics fit no real table
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
    print(json.dumps(made))


def bulk_insert_in_instance(slug: str, count: int, seed: int, organizations_file: str | None = None) -> None:
    """Insert `count` approved sign-ons into a statement, keys filled as the service fills them: generated
    organizations, or the first `count` of those in a JSON file."""
    from sqlalchemy import insert, select

    from statements import create_app
    from statements.core.db import utcnow
    from statements.drafts.models import Statement
    from statements.extensions import db
    from statements.signons import services as signons
    from statements.signons.models import SignOn

    app = create_app()
    rng = random.Random(seed + 1)
    started = time.perf_counter()
    with app.app_context():
        statement = db.session.scalar(select(Statement).where(Statement.slug == slug))
        statement_id = statement.id
        columns = [column.key for column in SignOn.__table__.columns if column.key != "id"]
        now = utcnow()
        rows, listable = [], 0
        given = json.loads(Path(organizations_file).read_text())[:count] if organizations_file else None
        for index, fields in enumerate(given or organizations(count, seed)):
            # a campaign: many sign-ons in the first days, a long tail, a second wave near the end
            day = min(int(rng.expovariate(1 / 9)), 59) if rng.random() < 0.85 else rng.randrange(50, 60)
            created = now - timedelta(days=60 - day, minutes=rng.randrange(0, 1440))
            signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                            status="approved", source="form", confirm_nonce=f"bulk{index}", withdraw_nonce=f"w{index}",
                            code_hash="", acronym="", country_sort="", message="", moderation_note="",
                            visibility="named", consent_to_contact=False, created_at=created,
                            confirmed_at=created + timedelta(minutes=rng.randrange(1, 600)),
                            approved_at=created + timedelta(hours=rng.randrange(2, 72)))
            signons._fill(signon, fields)
            listable += signon.visibility != "count"
            rows.append({key: getattr(signon, key) for key in columns})
            if len(rows) == 2000:
                db.session.execute(insert(SignOn), rows)
                rows = []
        if rows:
            db.session.execute(insert(SignOn), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE signon"))
            db.session.commit()
    print(json.dumps({"statement_id": statement_id, "inserted": count, "listable": listable,
                      "seconds": time.perf_counter() - started}))


def plain_table_in_instance() -> None:
    """Create the plain stack's table in the database of DATABASE_URL, before its workers start."""
    from benchmarks.plain_signon_app import create_table

    create_table(os.environ["DATABASE_URL"])
    print("{}")


def in_instance(env: dict[str, str], call: str) -> dict:
    """Run a function of this module in a new Python with the instance's environment; return its JSON."""
    code = f"from benchmarks.bench_signons import *; {call}"
    completed = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=900)
    if completed.returncode != 0:
        raise SystemExit(f"{call} failed:\n{completed.stdout}{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- one client -----------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage | None
    text: str
    latency_ms: float
    server_ms: float | None


SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def send(port: int, method: str, path: str, *, cookies: dict | None = None, form: dict | None = None,
         timeout: float = 30.0) -> Reply:
    """One request on a new connection (gunicorn's sync workers close each one), timed to the last byte."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html"}
    body = None
    if form is not None:
        body = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    latency_ms = (time.perf_counter() - started) * 1000
    timing = SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
    return Reply(response.status, response.headers, data.decode("utf-8", "replace"), latency_ms,
                 float(timing.group(1)) if timing else None)


def session_cookies(reply: Reply) -> dict[str, str]:
    cookies = {}
    for header in reply.headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            continue
        cookies.update({name: morsel.value for name, morsel in jar.items()})
    return cookies


def form_fields(reply: Reply) -> dict[str, str]:
    """The hidden fields of the sign-on form on a public page: CSRF token and signed start time."""
    started = STARTED_INPUT.search(reply.text)
    value = VALUE_ATTRIBUTE.search(started.group(0)) if started else None
    if value is None:
        raise ValueError("no started input on the page")
    return {"csrf_token": csrf_token(reply.text), "started": value.group(1)}


def sign_on_form(hidden: dict, organization: dict) -> dict:
    form = dict(hidden, nickname="", authorized="y")
    form.update({key: value for key, value in organization.items() if key != "consent_to_contact"})
    if organization["consent_to_contact"]:
        form["consent_to_contact"] = "y"
    return form


# --- a burst --------------------------------------------------------------------------------------

@dataclass
class Burst:
    """What one burst measured. `kinds` are the request kinds (GET form, POST form, ...)."""

    label: str
    requested: int
    concurrency: int
    latencies: dict = field(default_factory=dict)   # kind -> [ms]
    server: dict = field(default_factory=dict)      # kind -> [ms from Server-Timing]
    statuses: dict = field(default_factory=dict)    # kind -> Counter
    errors: int = 0
    error_samples: list = field(default_factory=list)
    accepted: list = field(default_factory=list)    # organization names answered with a redirect
    units_done: int = 0                             # sign-ons (or requests) finished one way or another
    duration_s: float = 0.0
    client_cpu_s: float = 0.0
    time_limit_reached: bool = False

    def add(self, kind: str, reply: Reply) -> None:
        self.latencies.setdefault(kind, []).append(reply.latency_ms)
        if reply.server_ms is not None:
            self.server.setdefault(kind, []).append(reply.server_ms)
        self.statuses.setdefault(kind, Counter())[reply.status] += 1

    def error(self, kind: str, error: Exception) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{kind}: {type(error).__name__}: {error}")

    def merge(self, other: "Burst") -> None:
        for kind, values in other.latencies.items():
            self.latencies.setdefault(kind, []).extend(values)
        for kind, values in other.server.items():
            self.server.setdefault(kind, []).extend(values)
        for kind, counter in other.statuses.items():
            self.statuses.setdefault(kind, Counter()).update(counter)
        self.errors += other.errors
        self.error_samples += other.error_samples[: max(0, 5 - len(self.error_samples))]
        self.accepted += other.accepted
        self.units_done += other.units_done
        self.client_cpu_s += other.client_cpu_s
        self.time_limit_reached |= other.time_limit_reached
        self.duration_s += other.duration_s

    def answered(self, kind: str) -> int:
        return sum(self.statuses.get(kind, Counter()).values())

    def rate(self, kind: str) -> float:
        return self.answered(kind) / self.duration_s if self.duration_s else 0.0


def run_burst(label: str, units: list, concurrency: int, time_limit: float, work, prepare=None,
              ready=None) -> Burst:
    """Run work(unit, recorder, prepared) for every unit from `concurrency` threads.

    prepare(), when given, runs once per thread before the clock starts (fetching a form, say);
    ready(), when given, runs once all threads are prepared, just before the clock starts.
    The burst stops after the last unit, or at the time limit, whichever comes first.
    """
    burst = Burst(label, len(units), concurrency)
    queue = iter(units)
    lock = threading.Lock()
    gate = threading.Barrier(concurrency + 1)
    deadline = [math.inf]
    recorders: list[Burst] = []

    def worker() -> None:
        recorder = Burst(label, 0, concurrency)
        prepared = None
        try:
            if prepare is not None:
                prepared = prepare()
        except Exception as error:  # noqa: BLE001 (reported with the figures)
            recorder.error("prepare", error)
        try:
            gate.wait()
            while True:
                if time.perf_counter() >= deadline[0]:
                    recorder.time_limit_reached = True
                    return
                with lock:
                    unit = next(queue, None)
                if unit is None:
                    return
                work(unit, recorder, prepared)
                recorder.units_done += 1
        finally:
            with lock:
                recorders.append(recorder)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    if ready is not None:
        ready()
    cpu_started = time.process_time()
    started = time.perf_counter()
    deadline[0] = started + time_limit
    gate.wait()
    for thread in threads:
        thread.join()
    burst.duration_s = time.perf_counter() - started
    for recorder in recorders:
        recorder.duration_s = 0.0
        burst.merge(recorder)
    burst.client_cpu_s = time.process_time() - cpu_started
    return burst


def run_burst_in_processes(label: str, units: list, concurrency: int, time_limit: float, work, prepare=None,
                           processes: int = 1) -> Burst:
    """run_burst from several client processes (forked), `concurrency` threads in all.

    One Python process sending requests is held back by its own interpreter lock long before a
    fast server is: several processes keep the client from being what is measured. The rate is
    over the wall time from the moment every process is ready to the end of the last; the
    client's CPU time is the sum over the processes (so its share may pass one CPU).
    """
    import multiprocessing

    processes = max(1, min(processes, concurrency, len(units) or 1))
    if processes == 1:
        return run_burst(label, units, concurrency, time_limit, work, prepare)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes + 1)
    chunks = split(units, processes)
    threads = split(list(range(concurrency)), processes)
    pipes, children = [], []

    def child(chunk: list, thread_count: int, sender) -> None:
        burst = run_burst(label, chunk, thread_count, time_limit, work, prepare, ready=barrier.wait)
        sender.send(burst)
        sender.close()

    for chunk, thread_ids in zip(chunks, threads):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=child, args=(chunk, len(thread_ids), sender), daemon=True)
        process.start()
        sender.close()
        pipes.append(receiver)
        children.append(process)
    barrier.wait(timeout=120)
    started = time.perf_counter()
    bursts = [receiver.recv() for receiver in pipes]
    duration = time.perf_counter() - started
    for process in children:
        process.join(timeout=30)
    total = Burst(label, len(units), concurrency)
    for burst in bursts:
        burst.duration_s = 0.0
        total.merge(burst)  # adds up the processes' CPU time
    total.duration_s = duration
    return total


def pair_work(port: int, slug: str):
    """A sign-on as a person makes it: fetch the page with the form, then send the form."""
    def work(organization: dict, recorder: Burst, _prepared) -> None:
        try:
            page = send(port, "GET", f"/s/{slug}")
        except (OSError, http.client.HTTPException) as error:
            recorder.error("GET form", error)
            return
        recorder.add("GET form", page)
        if page.status != 200:
            return
        try:
            hidden = form_fields(page)
            answer = send(port, "POST", f"/s/{slug}/sign", cookies=session_cookies(page),
                          form=sign_on_form(hidden, organization))
        except (OSError, http.client.HTTPException, ValueError) as error:
            recorder.error("POST form", error)
            return
        recorder.add("POST form", answer)
        recorder.latencies.setdefault("sign-on", []).append(page.latency_ms + answer.latency_ms)
        if answer.status in (302, 303) and "check-email" in (answer.headers.get("Location") or ""):
            recorder.accepted.append(organization["organization_name"])
    return work


def post_only_work(port: int, slug: str):
    """Send the form again and again (each time for another organization) with one fetched form."""
    def prepare() -> tuple[dict, dict]:
        page = send(port, "GET", f"/s/{slug}")
        if page.status != 200:
            raise ValueError(f"GET /s/{slug} answered {page.status}")
        return form_fields(page), session_cookies(page)

    def work(organization: dict, recorder: Burst, prepared) -> None:
        if prepared is None:
            return
        hidden, cookies = prepared
        try:
            answer = send(port, "POST", f"/s/{slug}/sign", cookies=cookies, form=sign_on_form(hidden, organization))
        except (OSError, http.client.HTTPException) as error:
            recorder.error("POST form", error)
            return
        recorder.add("POST form", answer)
        if answer.status in (302, 303) and "check-email" in (answer.headers.get("Location") or ""):
            recorder.accepted.append(organization["organization_name"])
    return work, prepare


def hello_work(port: int):
    def work(_unit, recorder: Burst, _prepared) -> None:
        try:
            recorder.add("GET /", send(port, "GET", "/"))
        except (OSError, http.client.HTTPException) as error:
            recorder.error("GET /", error)
    return work


def split(items: list, parts: int) -> list[list]:
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def combine(bursts: list[Burst]) -> Burst:
    total = Burst(bursts[0].label, sum(b.requested for b in bursts), bursts[0].concurrency)
    for burst in bursts:
        total.merge(burst)
    return total


# --- the database check ---------------------------------------------------------------------------

#: the names the uncounted sign-ons taken before the rounds begin with (`warmed_up`)
WARM_UP_PREFIX = "Warm-up: "
#: the rows of a server's table that are not the warm-up's
NOT_WARM_UP = f"organization_name NOT LIKE '{WARM_UP_PREFIX}%'"
#: the sign-ons of a statement that a burst stored: not those inserted before it (`--signed-before`, the warm-up)
BURST_ROWS = "statement_id = :s AND confirm_nonce NOT LIKE 'bulk%' AND " + NOT_WARM_UP


def check_stored(engine_url: str, statement_id: int, accepted: list[str], sent: list[str]) -> dict:
    """Count what the database holds for a statement and compare it with what the server accepted."""
    from sqlalchemy import create_engine, text

    engine = create_engine(engine_url)
    try:
        with engine.connect() as connection:
            rows, names, keys = connection.execute(text(
                "SELECT count(*), count(DISTINCT organization_name), count(DISTINCT name_key) FROM signon "
                "WHERE " + BURST_ROWS), {"s": statement_id}).one()
            twice = connection.execute(text(
                "SELECT organization_name, count(*) FROM signon WHERE " + BURST_ROWS + " "
                "GROUP BY organization_name HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 5"), {"s": statement_id}).all()
            stored = [name for (name,) in connection.execute(text(
                "SELECT organization_name FROM signon WHERE " + BURST_ROWS), {"s": statement_id})]
            flagged = connection.execute(text(
                "SELECT count(*) FROM signon WHERE " + BURST_ROWS + " AND possible_duplicate_of_id IS NOT NULL"),
                {"s": statement_id}).scalar()
            pending = connection.execute(text(
                "SELECT count(*) FROM signon WHERE " + BURST_ROWS + " AND status = 'pending'"),
                {"s": statement_id}).scalar()
            emails = connection.execute(text(
                "SELECT count(*) FROM outbox_message WHERE to_address IN "
                "(SELECT contact_email FROM signon WHERE " + BURST_ROWS + ")"), {"s": statement_id}).scalar()
    finally:
        engine.dispose()
    stored_set, accepted_set = set(stored), set(accepted)
    return {"rows": rows, "names": names, "keys": keys, "twice": twice, "flagged": flagged, "pending": pending,
            "mails": emails, "accepted": len(accepted), "accepted_missing": len(accepted_set - stored_set),
            "unexpected": len(stored_set - accepted_set), "sent": len(sent),
            "stored_not_sent": len(stored_set - set(sent))}


def check_plain_stored(engine_url: str, accepted: list[str], sent: list[str]) -> dict:
    """Count what the plain stack's table holds and compare it with what its server accepted."""
    from sqlalchemy import create_engine, text

    engine = create_engine(engine_url)
    try:
        with engine.connect() as connection:
            rows, names = connection.execute(text(
                "SELECT count(*), count(DISTINCT organization_name) FROM plain_signon "
                "WHERE " + NOT_WARM_UP)).one()
            twice = connection.execute(text(
                "SELECT organization_name, count(*) FROM plain_signon WHERE " + NOT_WARM_UP + " "
                "GROUP BY organization_name HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 5")).all()
            stored = {name for (name,) in connection.execute(text(
                "SELECT organization_name FROM plain_signon WHERE " + NOT_WARM_UP))}
    finally:
        engine.dispose()
    return {"rows": rows, "names": names, "twice": twice, "accepted": len(accepted),
            "accepted_missing": len(set(accepted) - stored), "unexpected": len(stored - set(accepted)),
            "stored_not_sent": len(stored - set(sent))}


# --- Redis, as production has it ------------------------------------------------------------------

def redis_database(url: str) -> str | None:
    """Return url when that Redis answers and its database is empty; None (said why) when it is absent."""
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
        keys = client.dbsize()
    except RedisError as error:
        note(f"Redis does not answer at {url} ({error}): measuring WITHOUT Redis (rate limits in each worker's "
             "memory, mail jobs run in process); production runs with Redis")
        return None
    finally:
        client.close()
    if keys:
        raise SystemExit(f"Redis database {url} holds {keys} keys: the benchmark empties its database at the end, "
                         "so give it an unused one with --redis-url redis://127.0.0.1:6379/<another number>")
    return url


def empty_redis(url: str | None) -> None:
    if not url:
        return
    from redis import Redis

    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


# --- reporting helpers ----------------------------------------------------------------------------

def figures(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"{percentile(ordered, 50):8.1f} {percentile(ordered, 90):8.1f} {percentile(ordered, 99):8.1f}"
            if ordered else f"{'-':>8} {'-':>8} {'-':>8}")


def median(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f}" if values else f"{'-':>8}"


def statuses_text(counter: Counter) -> str:
    return " ".join(f"{status}:{count}" for status, count in sorted(counter.items())) or "-"


def out(line: str = "") -> None:
    print(line, flush=True)


def note(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# --- part 1 and 2: the burst ----------------------------------------------------------------------

def warmed_up(args, servers: dict, taken: set[str]) -> dict:
    """Uncounted sign-ons on each server before the rounds, from as many clients as the rounds have, so that every
    thread of every worker has taken some: a new worker's one-time work (each thread's first sign-on, its
    connections opened, its caches filled) is not counted as what a sign-on costs, since production's workers
    serve until they are stopped. Stored under names of their own (`WARM_UP_PREFIX`), which the database check
    leaves out. Returns each server's CPU per warm-up sign-on, in ms."""
    used = {}
    if not args.warm_up:
        return used
    for index, (key, (server, slug)) in enumerate(servers.items()):
        people = [dict(person, organization_name=WARM_UP_PREFIX + person["organization_name"])
                  for person in organizations(args.warm_up, args.seed + 41 + index, taken)]
        note(f"warm-up: {len(people)} uncounted sign-ons on the {key} server ...")
        before = server.cpu_seconds()
        burst = run_burst_in_processes("warm-up", people, args.concurrency, args.time_limit,
                                       pair_work(server.port, slug), processes=args.client_processes)
        used[key] = 1000 * (server.cpu_seconds() - before) / max(1, len(burst.accepted))
    return used


def burst_section(args, env: dict, workers: int, database: str, ids: dict, engine_url: str, number: int) -> dict:
    pair_slug, post_slug, minimal_slug, checked_slug = "burst-pairs", "burst-posts", "burst-minimal", "burst-checked"
    taken: set[str] = set()
    pair_orgs = organizations(args.signons, args.seed, taken)
    post_orgs = organizations(args.post_signons, args.seed + 7, taken) if args.post_signons else []
    # organizations of their own (same kind, another seed): the minimal app writes to the same tables
    minimal_orgs = organizations(args.signons, args.seed + 13, taken)
    checked_orgs = organizations(args.signons, args.seed + 17, taken)
    if args.signed_before:
        sign_before(env, args, [pair_slug, minimal_slug, checked_slug], organizations(args.signed_before,
                                                                                      args.seed + 29, taken))
    rounds = max(1, args.rounds)
    # the plain stack writes to a table of its own in the same database, made before its workers start
    plain_env = dict(env, DATABASE_URL=named_connections(engine_url, "plain"))
    in_instance(plain_env, "plain_table_in_instance()")
    app_env = dict(env, DATABASE_URL=named_connections(env.get("DATABASE_URL", ""), "app")) \
        if env.get("DATABASE_URL") else dict(env)
    if args.without:
        app_env["SIGNON_BENCH_WITHOUT"] = ",".join(args.without)
    options = worker_options(args.app_threads)
    backends = BackendCpu(engine_url) if engine_url.startswith("postgresql") else None
    with contextlib.ExitStack() as stack:
        app_server = stack.enter_context(GunicornServer(APP_TARGET, workers=workers, env=app_env,
                                                        ready_path=f"/s/{pair_slug}", **options))
        # the minimal app serves the app's own page bytes, fetched once here
        page_file = Path(env["STATEMENTS_INSTANCE"]) / "minimal-signon-page.html"
        page_file.write_bytes(send(app_server.port, "GET", f"/s/{pair_slug}").text.encode())
        minimal_env = dict(env, DATABASE_URL=named_connections(engine_url, "minimal"),
                           MINIMAL_SIGNON_PAGE=str(page_file), MINIMAL_SIGNON_STATEMENT_ID=str(ids[minimal_slug]),
                           MINIMAL_SIGNON_REVISION_ID=str(ids[f"{minimal_slug}:revision"]))
        minimal_server = stack.enter_context(GunicornServer(MINIMAL_TARGET, workers=workers, env=minimal_env,
                                                            ready_path=f"/s/{pair_slug}", **options))
        # the minimal app with every check the app makes, on the same page bytes, its own statement
        checked_env = dict(minimal_env, DATABASE_URL=named_connections(engine_url, "checked"),
                           MINIMAL_SIGNON_STATEMENT_ID=str(ids[checked_slug]),
                           MINIMAL_SIGNON_REVISION_ID=str(ids[f"{checked_slug}:revision"]))
        checked_server = stack.enter_context(GunicornServer(CHECKED_TARGET, workers=workers, env=checked_env,
                                                            ready_path=f"/s/{pair_slug}", **options))
        plain_server = stack.enter_context(GunicornServer(PLAIN_TARGET, workers=workers, env=plain_env,
                                                          ready_path=f"/s/{pair_slug}", **options)) \
            if args.plain else None
        # the same worker class and threads as the app: the baseline is not favoured by a lighter worker
        hello_server = stack.enter_context(GunicornServer(HELLO_TARGET, workers=workers, env=env, **options))
        # a few uncounted requests, so that no worker's first request is measured as a sign-on
        for _ in range(4 * workers):
            for server in (app_server, minimal_server, checked_server, plain_server):
                if server:
                    send(server.port, "GET", f"/s/{pair_slug}")
            send(hello_server.port, "GET", "/")
        warm_servers = {"app": (app_server, pair_slug), "minimal": (minimal_server, minimal_slug),
                        "checked": (checked_server, checked_slug), "plain": (plain_server, pair_slug)}
        warm_cpu = warmed_up(args, {key: served for key, served in warm_servers.items() if served[0]}, taken)
        pair_chunks, post_chunks = split(pair_orgs, rounds), split(post_orgs, rounds) if post_orgs else []
        minimal_chunks, checked_chunks = split(minimal_orgs, rounds), split(checked_orgs, rounds)
        hello_chunks = split(list(range(args.hello_requests or 4 * args.signons)), rounds)
        pairs, plains, minimals, checkeds, posts, hellos = [], [], [], [], [], []
        cpu = Counter()  # CPU seconds the workers used during each kind of burst
        db_cpu = Counter()  # CPU seconds the database's backend processes used for each kind
        round_cpu = {}  # each kind's CPU seconds (workers + backends) burst by burst, in the order of the rounds
        limit = args.time_limit / rounds

        def timed(label: str, units: list, work, server=None, cpu_key: str = "", prepare=None):
            """One burst; with a server, the CPU time its workers (and its database backends) used is added up."""
            before = server.cpu_seconds() if server else 0.0
            backends_before = backends.snapshot(cpu_key) if backends and server else {}
            burst = run_burst_in_processes(label, units, args.concurrency, limit, work, prepare,
                                           processes=args.client_processes)
            if server:
                used = server.cpu_seconds() - before
                used_db = backends.used_since(cpu_key, backends_before) if backends else 0.0
                cpu[cpu_key] += used
                db_cpu[cpu_key] += used_db
                round_cpu.setdefault(cpu_key, []).append(used + used_db)
            return burst

        def posts_alone(chunk: list):
            work, prepare = post_only_work(app_server.port, post_slug)
            return timed("POST alone", chunk, work, prepare=prepare)

        # kind: (the bursts made, its chunks, what progress says, the burst for one chunk)
        turns = {
            "pairs": (pairs, pair_chunks, "sign-ons (GET + POST)", lambda chunk: timed(
                "sign-on", chunk, pair_work(app_server.port, pair_slug), app_server, "app")),
            "minimal": (minimals, minimal_chunks, "minimal app sign-ons", lambda chunk: timed(
                "minimal sign-on", chunk, pair_work(minimal_server.port, minimal_slug), minimal_server, "minimal")),
            "checked": (checkeds, checked_chunks, "checked minimal app sign-ons", lambda chunk: timed(
                "checked sign-on", chunk, pair_work(checked_server.port, checked_slug), checked_server, "checked")),
            "hello": (hellos, hello_chunks, "hello-world requests", lambda chunk: timed(
                "hello-world", chunk, hello_work(hello_server.port), hello_server, "hello")),
        }
        if plain_server:
            # the same organizations as the app's: each server stores them in its own table
            turns["plain"] = (plains, pair_chunks, "plain stack sign-ons", lambda chunk: timed(
                "plain stack sign-on", chunk, pair_work(plain_server.port, pair_slug), plain_server, "plain"))
        if post_chunks:
            turns["posts"] = (posts, post_chunks, "POSTs alone", posts_alone)
        for index in range(rounds):
            steps = list(turns)
            for kind in steps[index % len(steps):] + steps[:index % len(steps)]:
                made, chunks, what, burst = turns[kind]
                if index < len(chunks):
                    note(f"round {index + 1}/{rounds}: {len(chunks[index])} {what} ...")
                    made.append(burst(chunks[index]))
        memory = {"Statements": app_server.memory(), "minimal app": minimal_server.memory(),
                  "checked minimal app": checked_server.memory(),
                  "hello-world": hello_server.memory()}
        logs = {"the app server": app_server.log_text(), "the minimal app's server": minimal_server.log_text(),
                "the checked minimal app's server": checked_server.log_text()}
        if plain_server:
            memory["plain stack"] = plain_server.memory()
            logs["the plain stack's server"] = plain_server.log_text()
    if backends:
        backends.close()

    pair, minimal, checked, hello = combine(pairs), combine(minimals), combine(checkeds), combine(hellos)
    plain = combine(plains) if plains else None
    post = combine(posts) if posts else None
    redis = "Redis on" if env.get("REDIS_URL") else "Redis OFF"
    out(f"== {number}. Sign-on burst: {database}, {redis}; every server (app, minimal app, hello-world"
        f"{', plain stack' if plain else ''}): {workers_text(workers, args.app_threads)}; {args.concurrency} clients "
        f"in {args.client_processes} client process{'es' if args.client_processes > 1 else ''} ==")
    out("A sign-on = GET /s/<slug> (form, CSRF token, session cookie, signed start time) + POST /s/<slug>/sign "
        "with a new organization; the rate counts sign-ons (pairs), not requests."
        + (f" Each statement held {args.signed_before:,} approved sign-ons before the burst (the minimal app's "
           "too), which each new one is checked against." if args.signed_before else "")
        + (f" The table held {args.signed_elsewhere:,} sign-ons of an earlier statement, with its statistics, as on a "
           "server in use." if args.signed_elsewhere else " The table was empty, as on a new install."))
    if args.without:
        out(f"The app WITHOUT {', '.join(args.without)} (--without): not the app, a measure of what those parts cost; "
            "its sign-ons are not checked as the app checks them.")
    out(f"{rounds} rounds; {', '.join(turns)} take turns. client CPU: the load generator's processes together, "
        "as a share of one CPU")
    out(f"{'what':<30} {'asked':>6} {'done':>6} {'errors':>6} {'rate/s':>8} {'p50 ms':>8} {'p90 ms':>8} "
        f"{'p99 ms':>8} {'srv p50':>8} {'client CPU':>10}  statuses")

    def line(label: str, burst: Burst, kind: str, asked, done, rate: float | None, statuses: str | None = None,
             main: bool = True) -> None:
        share = burst.client_cpu_s / burst.duration_s if burst.duration_s else 0.0
        out(f"{label:<30} {asked:>6} {done:>6} {burst.errors if main else '':>6} "
            f"{f'{rate:.1f}' if rate is not None else '':>8} {figures(burst.latencies.get(kind, []))} "
            f"{median(burst.server.get(kind, []))} {f'{share:.0%}' if main else '':>10}  "
            f"{statuses or statuses_text(burst.statuses.get(kind, Counter()))}"
            + ("  (stopped at the time limit)" if main and burst.time_limit_reached else ""))

    def pair_lines(label: str, burst: Burst) -> None:
        line(label, burst, "sign-on", burst.requested, burst.units_done, accepted_rate(burst),
             f"accepted {len(burst.accepted)}, not accepted {burst.units_done - len(burst.accepted)}")
        line("  of which GET /s/<slug>", burst, "GET form", "", burst.answered("GET form"), None, main=False)
        line("  of which POST /s/<slug>/sign", burst, "POST form", "", burst.answered("POST form"), None, main=False)

    pair_lines("Statements sign-on (GET+POST)", pair)
    pair_lines("minimal app sign-on (GET+POST)", minimal)
    pair_lines("checked minimal (GET+POST)", checked)
    if plain:
        pair_lines("plain stack sign-on (GET+POST)", plain)
    if post:
        line("POST alone (form fetched once)", post, "POST form", post.requested, post.units_done, accepted_rate(post))
    line("hello-world GET /", hello, "GET /", hello.requested, hello.units_done, hello.rate("GET /"))

    hello_rate, pair_rate, minimal_rate = hello.rate("GET /"), accepted_rate(pair), accepted_rate(minimal)
    out()
    out("CPU per sign-on (the headline: it hardly changes with what else the machine does), in ms: "
        "gunicorn workers + database backend processes"
        + ("" if backends else " (SQLite: in the workers, no separate backend)"))
    per_unit = {}
    for key, label, count in (("app", "Statements", len(pair.accepted)), ("minimal", "minimal app",
                              len(minimal.accepted)), ("checked", "checked minimal app", len(checked.accepted)),
                             ("plain", "plain stack", len(plain.accepted) if plain else 0),
                              ("hello", "hello-world (per request)", hello.answered("GET /"))):
        if not count or key not in cpu:
            continue
        worker_ms, db_ms = 1000 * cpu[key] / count, 1000 * db_cpu[key] / count
        per_unit[key] = worker_ms + db_ms
        out(f"  {label:<26} {worker_ms:8.2f} + {db_ms:6.2f} = {worker_ms + db_ms:8.2f} ms")
    by_round = {"app": pairs, "minimal": minimals, "checked": checkeds}
    if len(pairs) > 1:
        out("  round by round, in the order run: " + "; ".join(
            f"{key} " + ", ".join(f"{1000 * used / len(burst.accepted):.2f}"
                                  for used, burst in zip(round_cpu.get(key, []), bursts) if burst.accepted)
            for key, bursts in by_round.items()))
    if warm_cpu:
        out(f"  before the rounds, {args.warm_up} uncounted sign-ons on each server (a new worker's one-time work), "
            "workers' CPU per sign-on: " + ", ".join(f"{key} {ms:.2f}" for key, ms in warm_cpu.items()))
    if "app" in per_unit and "minimal" in per_unit and minimal_rate:
        out(f"ratio Statements / minimal app: sign-ons/s {pair_rate / minimal_rate:.3f}"
            f"{round_spread(pairs, minimals, accepted_rate)} (goal >= 0.5); CPU per sign-on "
            f"{per_unit['app'] / per_unit['minimal']:.2f}x{cpu_spread(round_cpu, 'app', pairs, minimals)} (goal <= 2)")
    checked_rate = accepted_rate(checked)
    if "checked" in per_unit and "minimal" in per_unit and minimal_rate:
        out(f"ratio checked minimal app / minimal app (what the checks alone cost, without a framework): "
            f"sign-ons/s {checked_rate / minimal_rate:.3f}{round_spread(checkeds, minimals, accepted_rate)}; "
            f"CPU per sign-on {per_unit['checked'] / per_unit['minimal']:.2f}x"
            f"{cpu_spread(round_cpu, 'checked', checkeds, minimals)}")
    if "app" in per_unit and "checked" in per_unit and checked_rate:
        out(f"ratio Statements / checked minimal app: sign-ons/s {pair_rate / checked_rate:.3f}"
            f"{round_spread(pairs, checkeds, accepted_rate)}; CPU per sign-on "
            f"{per_unit['app'] / per_unit['checked']:.2f}x")
    if hello_rate:
        out(f"ratio sign-ons/s / hello-world req/s: Statements {pair_rate / hello_rate:.3f}"
            f"{round_spread(pairs, hellos, lambda b: b.rate('GET /'))}, minimal app {minimal_rate / hello_rate:.3f}"
            f"{round_spread(minimals, hellos, lambda b: b.rate('GET /'))}")
    if plain:
        plain_rate = accepted_rate(plain)
        out(f"ratio Statements / plain stack sign-ons/s: {pair_rate / plain_rate if plain_rate else 0:.3f}"
            f"{round_spread(pairs, plains, accepted_rate)}")
    hello_share = hello.client_cpu_s / hello.duration_s if hello.duration_s else 0.0
    out(f"client CPU during the hello-world: {hello_share:.0%} of one CPU over {args.client_processes} "
        f"process{'es' if args.client_processes > 1 else ''} (of {os.cpu_count()} CPUs shared with the servers)")
    for label, burst in (("Statements", pair), ("minimal app", minimal), ("checked minimal app", checked)):
        get, post_ms = median_of(burst.server, "GET form"), median_of(burst.server, "POST form")
        out(f"server time per sign-on, {label} (median GET + median POST, Server-Timing): "
            f"{get:.1f} + {post_ms:.1f} = {get + post_ms:.1f} ms")

    check = check_stored(engine_url, ids[pair_slug], pair.accepted, [o["organization_name"] for o in pair_orgs])
    report_check("Statements sign-ons (GET+POST)", check, args.signons)
    report_check("minimal app sign-ons", check_stored(engine_url, ids[minimal_slug], minimal.accepted,
                                                      [o["organization_name"] for o in minimal_orgs]), args.signons)
    report_check("checked minimal app sign-ons", check_stored(engine_url, ids[checked_slug], checked.accepted,
                                                              [o["organization_name"] for o in checked_orgs]),
                 args.signons)
    if plain:
        report_check("plain stack sign-ons (table plain_signon)",
                     check_plain_stored(engine_url, plain.accepted, [o["organization_name"] for o in pair_orgs]),
                     args.signons)
    if post:
        report_check("POSTs alone", check_stored(engine_url, ids[post_slug], post.accepted,
                                                 [o["organization_name"] for o in post_orgs]), args.post_signons)
    for name, figures_ in memory.items():
        peaks = ", ".join(f"{w['peak_kb'] / 1024:.1f} MB" for w in figures_["workers"])
        out(f"peak RSS {name}: workers {peaks or '?'}")
    bursts = [b for b in (pair, minimal, checked, plain, post, hello) if b]
    problems = [b for b in bursts if b.errors or any(
        status >= 500 for counter in b.statuses.values() for status in counter)]
    for burst in bursts:
        if burst.error_samples:
            out(f"errors {burst.label}: {'; '.join(burst.error_samples)}")
    for server, log in logs.items():
        if problems and log.strip():
            out(f"last lines of {server}'s log:")
            for log_line in log.strip().splitlines()[-20:]:
                out("  " + log_line)
    out()
    return {"pair_rate": pair_rate, "minimal_rate": minimal_rate, "hello_rate": hello_rate, "cpu_ms": per_unit}


def sign_before(env: dict, args, slugs: list[str], signed: list[dict]) -> None:
    """Give each statement of a burst the same approved signatories before it starts, as a campaign has them:
    each new sign-on is then checked against them (organizations of their own: none is a repeat of the burst's)."""
    path = Path(env["STATEMENTS_INSTANCE"]) / "signed-before.json"
    path.write_text(json.dumps(signed))
    for slug in slugs:
        note(f"inserting {len(signed):,} approved sign-ons into {slug} ...")
        in_instance(env, f"bulk_insert_in_instance({slug!r}, {len(signed)}, {args.seed}, {str(path)!r})")


def accepted_rate(burst: Burst) -> float:
    return len(burst.accepted) / burst.duration_s if burst.duration_s else 0.0


def round_spread(tops: list[Burst], bottoms: list[Burst], bottom_rate) -> str:
    """The lowest and highest of the per-round ratios accepted sign-ons/s of tops / bottom_rate of bottoms."""
    ratios = [accepted_rate(top) / bottom_rate(bottom) for top, bottom in zip(tops, bottoms) if bottom_rate(bottom)]
    return f", rounds {min(ratios):.3f}-{max(ratios):.3f}" if len(ratios) > 1 else ""


def cpu_spread(round_cpu: dict, key: str, tops: list[Burst], bottoms: list[Burst]) -> str:
    """The lowest and highest of the per-round ratios of CPU per sign-on, `key`'s server against the minimal app's."""
    ratios = [(top_cpu / len(top.accepted)) / (bottom_cpu / len(bottom.accepted))
              for top_cpu, bottom_cpu, top, bottom in zip(round_cpu.get(key, []), round_cpu.get("minimal", []), tops,
                                                          bottoms)
              if top.accepted and bottom.accepted and bottom_cpu]
    return f", rounds {min(ratios):.2f}-{max(ratios):.2f}" if len(ratios) > 1 else ""


def median_of(server_times: dict, kind: str) -> float:
    return statistics.median(server_times[kind]) if server_times.get(kind) else 0.0


def report_check(label: str, check: dict, asked: int) -> None:
    exact = check["rows"] == asked and check["names"] == asked and not check["twice"]
    keys = f" ({check['keys']} distinct name keys)" if "keys" in check else ""
    out(f"database check, {label}: {check['rows']} rows, {check['names']} distinct names{keys}, "
        f"{len(check['twice'])} names stored more than once; "
        f"{check['accepted']} accepted by the server, {check['accepted_missing']} of them missing, "
        f"{check['unexpected']} stored but not accepted, {check['stored_not_sent']} never sent; "
        f"{'exactly' if exact else 'NOT exactly'} {asked} sign-ons with {asked} distinct names")
    if check["twice"]:
        out(f"  stored more than once: {check['twice']}")
    if "pending" in check:
        out(f"  {check['pending']} pending confirmation, {check['mails']} confirmation mails in the outbox, "
            f"{check['flagged']} flagged to staff as a possible duplicate of an earlier sign-on (look-alikes are "
            "compared when their contact confirms)")


# --- part 3: the pages ----------------------------------------------------------------------------

def services_cache_seconds() -> float:
    from statements.signons import services

    return services.COUNT_CACHE_SECONDS


def requests_for(port: int, path: str, count: int, seconds: float) -> list[Reply]:
    """One request after another until `count` are done and `seconds` have passed (the cache expires inside)."""
    replies, until = [], time.perf_counter() + seconds
    while len(replies) < count or time.perf_counter() < until:
        replies.append(send(port, "GET", path, timeout=120))
    return replies


def page_section(args, env: dict, database: str, number: int, listing: dict) -> None:
    slug = "many-signatories"
    listable = listing["listable"]
    last_list, last_api = max(1, math.ceil(listable / 500)), max(1, math.ceil(listable / 100))
    pages = [
        ("public page", f"/s/{slug}"),
        ("signatories, page 1", f"/s/{slug}/signatories"),
        (f"signatories, page {last_list} (last)", f"/s/{slug}/signatories?page={last_list}"),
        ("API statement", f"/api/v1/statements/{slug}"),
        ("API signatories, page 1", f"/api/v1/statements/{slug}/signatories?page=1"),
        (f"API signatories, page {last_api // 2}", f"/api/v1/statements/{slug}/signatories?page={last_api // 2}"),
        (f"API signatories, page {last_api} (last)", f"/api/v1/statements/{slug}/signatories?page={last_api}"),
    ]
    results = {}
    for label, path in pages:
        note(f"{label}: first request of a fresh server, then the steady state ...")
        with GunicornServer(APP_TARGET, workers=1, env=env, ready_path="/api/openapi.json") as server:
            first = send(server.port, "GET", path, timeout=120)
            # the public page across the count cache's expiry; the others for a fixed count
            seconds = args.page_seconds if label == "public page" or args.all_pages_seconds else 0
            steady = requests_for(server.port, path, args.page_requests, seconds)
        results[label] = {"first": first, "steady": steady}
    no_cache = dict(env, SIGNON_BENCH_COUNT_CACHE_SECONDS="0")
    with GunicornServer(APP_TARGET, workers=1, env=no_cache, ready_path="/api/openapi.json") as server:
        for label, path in pages:
            note(f"{label}: {args.page_requests} with the count cache off ...")
            for _ in range(3):
                send(server.port, "GET", path, timeout=120)
            results[label]["uncached"] = [send(server.port, "GET", path, timeout=120)
                                          for _ in range(args.page_requests)]

    out(f"== {number}. Pages with {listing['inserted']:,} approved sign-ons ({listable:,} listed): {database}, "
        f"1 sync worker, 1 client ==")
    out(f"bulk insert: {listing['inserted']:,} rows in {listing['seconds']:.1f} s. Server time = Server-Timing "
        f"(the app, from request to body); client = to the last byte over loopback. Steady state: one request "
        f"after another, for {args.page_seconds:.0f} s on the public page{' and every page' if args.all_pages_seconds else ''} "
        f"(the count cache lives {services_cache_seconds():.0f} s, so its misses are among them), else "
        f"{args.page_requests} requests; no cache: {args.page_requests} requests with the count cache off.")
    out(f"{'page':<34} {'status':>6} {'KB':>6} {'first srv':>9} {'first cl':>9} {'reqs':>5} "
        f"{'srv p50':>8} {'srv p99':>8} {'srv max':>8} {'cl p50':>8} {'cl p99':>8} {'nocache p50':>11} "
        f"{'nocache p90':>11}")
    for label, _ in pages:
        result = results[label]
        first, steady, uncached = result["first"], result["steady"], result["uncached"]
        statuses = Counter(r.status for r in [first, *steady, *uncached])
        server = sorted(r.server_ms for r in steady if r.server_ms is not None)
        client = sorted(r.latency_ms for r in steady)
        nocache = sorted(r.server_ms for r in uncached if r.server_ms is not None)
        status_text = str(first.status) if len(statuses) == 1 else statuses_text(statuses)
        out(f"{label:<34} {status_text:>6} {len(first.text.encode()) / 1024:>6.0f} "
            f"{first.server_ms or 0:>9.1f} {first.latency_ms:>9.1f} {len(steady):>5} {percentile(server, 50):>8.1f} "
            f"{percentile(server, 99):>8.1f} {server[-1] if server else 0:>8.1f} {percentile(client, 50):>8.1f} "
            f"{percentile(client, 99):>8.1f} {percentile(nocache, 50):>11.1f} "
            f"{percentile(nocache, 90):>11.1f}")
    out()


# --- a database, start to end ---------------------------------------------------------------------

def run_database(args, kind: str, number: int) -> None:
    prefix = "statements-bench-signons-"
    with instance_and_database(kind, args.database_url, prefix) as (env, engine_url, schema):
        try:
            prepared_database(args, kind, number, env, engine_url, schema)
        finally:
            empty_redis(args.redis)


def prepared_database(args, kind: str, number: int, env: dict, engine_url: str, schema: str | None) -> None:
    if schema:
        workers, database = args.workers, f"PostgreSQL (schema {schema})"
    else:
        workers, database = args.sqlite_workers, "SQLite (WAL, temporary instance folder)"
    if args.redis:
        env["REDIS_URL"] = args.redis
    note(f"preparing {database} ...")
    flask_command(env, "db", "upgrade")
    statements = [("burst-pairs", "Loss and damage finance must reach the people who move"),
                  ("burst-posts", "Loss and damage finance: a second call"),
                  ("many-signatories", "Loss and damage finance: the campaign"),
                  ("burst-minimal", "Loss and damage finance: the limit of this machine"),
                  ("burst-checked", "Loss and damage finance: the limit with every check"),
                  ("earlier-campaign", "Loss and damage finance: an earlier call")]
    ids = in_instance(env, f"setup_in_instance({json.dumps(json.dumps(statements))})")
    if args.signed_elsewhere:
        # a server in use: its table holds earlier campaigns, and the statistics autovacuum keeps of them (an empty
        # table's first plans, kept by each connection until statistics change, fit no real table)
        note(f"inserting {args.signed_elsewhere:,} approved sign-ons into an earlier statement ...")
        in_instance(env, f"bulk_insert_in_instance('earlier-campaign', {args.signed_elsewhere}, {args.seed + 31})")
    if args.signons:
        burst_section(args, env, workers, database, ids, engine_url, number)
    if args.listed:
        note(f"inserting {args.listed:,} approved sign-ons ...")
        listing = in_instance(env, f"bulk_insert_in_instance('many-signatories', {args.listed}, {args.seed})")
        page_section(args, env, database, 3, listing)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from statements import gunicorn_config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signons", type=int, default=1000,
                        help="sign-ons in the burst, GET + POST, for the app and for the minimal app (default 1000)")
    parser.add_argument("--post-signons", type=int, default=0,
                        help="sign-ons sent as POSTs alone, on another statement (default 0: none)")
    parser.add_argument("--hello-requests", type=int, default=0,
                        help="hello-world requests (default 0: four per sign-on)")
    parser.add_argument("--plain", action="store_true",
                        help="also serve the plain stack (bare Flask, Flask-WTF, SQLAlchemy Core)")
    parser.add_argument("--signed-before", type=int, default=0,
                        help="approved sign-ons each burst's statement holds before the burst (default 0)")
    parser.add_argument("--signed-elsewhere", type=int, default=1000,
                        help="approved sign-ons of an earlier statement in the table before the bursts, as on a server "
                             "in use (default 1000; 0: a new install's empty table)")
    parser.add_argument("--without", nargs="+", default=[], choices=SIGNON_PARTS, metavar="PART",
                        help="leave these parts of a sign-on's work out of the app's server, to measure what they "
                             f"cost ({', '.join(SIGNON_PARTS)}; see benchmarks/signon_app.py)")
    parser.add_argument("--client-processes", type=int, default=4,
                        help="processes the clients are spread over (default 4)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS,
                        help=f"an empty Redis database for the app, as production has one (default {DEFAULT_REDIS}; "
                             "emptied at the end; 'none': without Redis)")
    cache_life = services_cache_seconds()
    parser.add_argument("--page-seconds", type=float, default=2 * cache_life + 1,
                        help="time each page is asked for, longer than the count cache lives "
                             f"({cache_life:g} s; default {2 * cache_life + 1:g})")
    parser.add_argument("--all-pages-seconds", action="store_true",
                        help="ask for every page for --page-seconds, not only the public page")
    parser.add_argument("--concurrency", type=int, default=16, help="simultaneous clients (default 16)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds in which the bursts take turns (default 2)")
    parser.add_argument("--warm-up", type=int, default=64,
                        help="uncounted sign-ons each server takes before the rounds, so that a new worker's "
                             "one-time work is not counted (default 64; 0: none)")
    production = gunicorn_config.workers  # (one per core, at least two: on either database)
    parser.add_argument("--workers", type=int, default=production,
                        help="gunicorn workers on PostgreSQL, as statements/gunicorn_config.py runs them in production "
                             f"(default {production})")
    add_app_threads_argument(parser)
    parser.add_argument("--sqlite-workers", type=int, default=production,
                        help=f"gunicorn workers on SQLite, as in production (default {production})")
    parser.add_argument("--time-limit", type=float, default=900.0,
                        help="stop a burst after this many seconds in all, whatever remains (default 900)")
    parser.add_argument("--listed", type=int, default=20000,
                        help="approved sign-ons inserted for the page timings (default 20000; 0: skip)")
    parser.add_argument("--page-requests", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES,
                        help=f"PostgreSQL database for a fresh schema (default {DEFAULT_POSTGRES})")
    parser.add_argument("--only", choices=["postgresql", "sqlite"], help="run one database only")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated organizations (default 2026)")
    args = parser.parse_args(argv)
    if min(args.concurrency, args.workers, args.sqlite_workers, args.page_requests, args.rounds,
           args.client_processes) < 1 or args.page_seconds < 0 or \
            min(args.signons, args.post_signons, args.listed, args.signed_before, args.signed_elsewhere) < 0 \
            or args.time_limit <= 0:
        parser.error("concurrency, workers, page requests and rounds must be at least 1, counts not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    out(f"Statements sign-on benchmark: gunicorn {gunicorn_version()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, 127.0.0.1; app {APP_TARGET} (minimum fill time 0 s, the per-address limit's two "
        "windows counted, wide enough for the run)")
    out()
    args.redis = None if args.redis_url.lower() == "none" else redis_database(args.redis_url)
    kinds = [args.only] if args.only else ["postgresql", "sqlite"]
    for index, kind in enumerate(kinds):
        run_database(args, kind, 1 + index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
