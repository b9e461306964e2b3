"""Export benchmark: a long statement with thousands of signatories as a PDF, made through the
service beside plain WeasyPrint on the same HTML, and a cached download, in one run.

    .venv/bin/python benchmarks/bench_export.py [--words 3000] [--signatories 2000] [--rounds 3]
                                                [--downloads 20] [--seed 2026] [--database-url URL]
                                                [--keep-pdf FILE]

Generates a Markdown statement of about --words words (the text maker of bench_drafts.py) and
--signatories approved sign-ons with varied names in many scripts (Latin with every accent,
Cyrillic, Greek, Arabic, Hebrew, Devanagari, Bengali, Tamil, Thai, Ethiopic, Georgian, Chinese,
Japanese, Korean; some with symbols and emoji), a few of them count-only or country-only, from
a seeded random generator. The network has a name and a PNG logo. Everything is stored in a
SQLite file in a temporary instance folder (or a fresh PostgreSQL schema with --database-url,
dropped at the end).

1. Cold export, three variants, each in a fresh subprocess (so peaks of memory do not mix):
   "service" runs services.make_file on a new export row (gathering the data from the database,
   laying out the tagged PDF, writing the file); "plain pdf/ua-1" runs WeasyPrint alone on the
   same HTML with the same options (HTML(string=...).render(pdf_variant="pdf/ua-1") then
   write_pdf(pdf_variant="pdf/ua-1")), "plain" the same without pdf/ua-1. Each subprocess first
   makes a one-page statement with one signatory its own way, untimed in the ratio (its time is
   printed), so what a process does once (loading fonts and libraries, compiling templates and
   queries, reading the country names) is counted in no variant: the service's figure is that of
   a running server. The variants take turns for --rounds rounds. Reported: median wall and CPU
   seconds, the ratio of
   the service to plain pdf/ua-1 (goal at most 1.1) and to plain, pages (goal at most 20), file
   size, and each subprocess's peak resident memory (ru_maxrss; goal at most 300 MB) with its
   resident memory just before the timed part.
2. Cached download: GET /exports/<id>/download (a coordinator, Flask test client) and the public
   GET /s/<slug>/statement.pdf once the statement is published, --downloads times each, median
   in milliseconds.

Progress goes to stderr; figures to stdout. Nothing is asserted; read the figures as ratios
within one run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_drafts import WORD, TextMaker  # noqa: E402
from benchmarks.bench_pages import APP_VARIABLES, PostgresSchema  # noqa: E402
from benchmarks.harness import csrf_token  # noqa: E402

EMAIL = "coordinator@bench.example.org"
PASSWORD = "benchmark password 1"
TITLE = "Protection, rights and a fair share for people displaced by climate change"
VARIANTS = ("service", "plain pdf/ua-1", "plain")
STATE_FILE = "bench-export.json"


# --- signatory names ---------------------------------------------------------------------------

#: language -> (name patterns, words for {a}, words for {b}); {p} is a place of the country
LANGUAGES = {
    "es": (["{a} de {b} de {p}", "{a} de {b}", "{a} {p} de {b}", "Colectiva {b} {p}"],
           ["Asociación", "Red", "Colectivo", "Federación", "Sindicato", "Coordinadora", "Movimiento", "Fundación",
            "Alianza", "Centro"],
           ["Mujeres Migrantes", "Trabajadoras del Hogar", "Jornaleras Agrícolas", "Defensoras del Territorio",
            "Mujeres Indígenas", "Personas Refugiadas", "Trabajadoras Textiles", "Mujeres Rurales",
            "Derechos Humanos", "Pescadoras Artesanales", "Acción Climática", "Familias Desplazadas"]),
    "pt": (["{a} de {b} de {p}", "{a} das {b}", "{a} {b} {p}"],
           ["Associação", "Rede", "Coletivo", "Sindicato", "Movimento", "Federação", "Fórum"],
           ["Mulheres Migrantes", "Trabalhadoras Domésticas", "Quebradeiras de Coco", "Mulheres Negras",
            "Atingidos por Barragens", "Pescadoras", "Mulheres Camponesas", "Justiça Climática"]),
    "fr": (["{a} des {b} de {p}", "{a} pour les {b}", "{a} {b} – {p}"],
           ["Association", "Collectif", "Réseau", "Fédération", "Union", "Coordination", "Plateforme"],
           ["Femmes Migrantes", "Travailleuses Domestiques", "Femmes Rurales", "Droits des Réfugiés",
            "Femmes Leaders", "Jeunes Filles", "Travailleuses Agricoles", "Femmes Déplacées"]),
    "en": (["{p} {b} {a}", "{a} of {b}, {p}", "{b} {a} of {p}", "{p} {a} for {b}"],
           ["Union", "Network", "Alliance", "Forum", "Collective", "Association", "Coalition", "Centre", "Trust"],
           ["Domestic Workers", "Migrant Women", "Women Farmers", "Garment Workers", "Climate Justice",
            "Refugee Women", "Care Workers", "Fisherfolk", "Land Rights", "Women's Rights", "Informal Traders"]),
    "sw": (["{a} cha {b} {p}", "{a} la {b} {p}"],
           ["Chama", "Mtandao", "Umoja", "Jukwaa"],
           ["Wafanyakazi wa Nyumbani", "Wanawake Wakulima", "Wanawake Wahamiaji", "Haki za Ardhi"]),
    "tl": (["{a} ng mga {b} sa {p}", "{a} ng {b}"],
           ["Samahan", "Kilusan", "Pambansang Alyansa", "Ugnayan"],
           ["Kababaihang Manggagawa", "Migranteng Pilipino", "Magsasaka", "Mangingisda"]),
    "tr": (["{p} {b} {a}", "{b} {a}"],
           ["Derneği", "Platformu", "Dayanışma Ağı", "Kooperatifi", "Sendikası", "Girişimi"],
           ["Kadın Emeği", "Göçmen Kadınlar", "Ev İşçileri", "Mülteci Kadınlar", "İklim Adaleti", "Çiftçi Kadınlar"]),
    "pl": (["{a} {b} {p}", "{a} {b}"],
           ["Związek Zawodowy", "Stowarzyszenie", "Fundacja", "Sieć", "Kolektyw", "Inicjatywa"],
           ["Pracownic Domowych", "Kobiet Migrantek", "Na Rzecz Uchodźczyń", "Sprawiedliwości Klimatycznej",
            "Kobiet Wiejskich", "Pracowników Sezonowych"]),
    "vi": (["{a} {b} {p}", "{a} {b}"],
           ["Hội", "Mạng lưới", "Liên minh", "Trung tâm", "Nhóm"],
           ["Phụ nữ Di cư", "Lao động Giúp việc", "Phụ nữ Nông thôn", "Công bằng Khí hậu", "Phụ nữ Ngư dân"]),
    "ru": (["{a} {b} {p}", "{a} «{b}»"],
           ["Союз", "Ассоциация", "Сеть", "Фонд", "Центр", "Движение"],
           ["женщин-мигранток", "домашних работниц", "сельских женщин", "Право на защиту", "Женская инициатива"]),
    "uk": (["{a} {b} {p}", "{a} «{b}»"],
           ["Спілка", "Мережа", "Фонд", "Центр", "Рух"],
           ["жінок-мігранток", "захисту біженок", "сільських жінок", "Жіноча ініціатива"]),
    "el": (["{a} {b} {p}", "{a} {b}"],
           ["Σύλλογος", "Δίκτυο", "Ένωση", "Κίνηση"],
           ["Γυναικών Μεταναστριών", "Οικιακών Εργαζομένων", "Προσφύγων", "για την Κλιματική Δικαιοσύνη"]),
    "ar": (["{a} {b} في {p}", "{a} {b}"],
           ["جمعية", "شبكة", "اتحاد", "ملتقى", "مركز", "تحالف"],
           ["النساء العاملات", "العاملات المنزليات", "النساء المهاجرات", "حقوق اللاجئات", "العدالة المناخية",
            "المرأة الريفية"]),
    "he": (["{a} {b} {p}", "{a} {b}"],
           ["ארגון", "רשת", "עמותת", "פורום"],
           ["עובדות הבית", "נשים מהגרות", "זכויות פליטות", "צדק אקלימי"]),
    "hi": (["{p} {b} {a}", "{b} {a}"],
           ["संघ", "मंच", "संगठन", "नेटवर्क", "सेवा समिति"],
           ["महिला श्रमिक", "घरेलू कामगार", "प्रवासी महिला", "किसान महिला", "जलवायु न्याय"]),
    "bn": (["{p} {b} {a}", "{b} {a}"],
           ["সংঘ", "সমিতি", "কেন্দ্র", "জোট"],
           ["নারী শ্রমিক", "গৃহশ্রমিক", "অভিবাসী নারী", "জলবায়ু ন্যায়বিচার"]),
    "ta": (["{b} {a} {p}", "{b} {a}"],
           ["சங்கம்", "மன்றம்", "கூட்டமைப்பு"],
           ["பெண் தொழிலாளர்", "வீட்டுப் பணியாளர்", "புலம்பெயர்ந்த பெண்கள்"]),
    "th": (["{a}{b}{p}", "{a}{b}"],
           ["สมาคม", "เครือข่าย", "มูลนิธิ", "กลุ่ม"],
           ["แรงงานหญิงข้ามชาติ", "ผู้หญิงชนบท", "แรงงานทำงานบ้าน", "ความเป็นธรรมทางภูมิอากาศ"]),
    "am": (["{p} {b} {a}", "{b} {a}"],
           ["ማህበር", "ኔትወርክ", "ፎረም"],
           ["የሴቶች ሠራተኞች", "የቤት ሠራተኞች", "የስደተኛ ሴቶች"]),
    "ka": (["{p}ის {b} {a}", "{b} {a}"],
           ["კავშირი", "ქსელი", "ასოციაცია"],
           ["ქალთა", "შრომითი მიგრანტების", "სოფლის ქალთა"]),
    "zh": (["{p}{b}{a}", "{b}{a}"],
           ["協會", "聯盟", "網絡", "中心", "工會"],
           ["家務工", "外來女工", "婦女權益", "氣候正義", "農村婦女"]),
    "ja": (["{p}{b}{a}", "{b}{a}"],
           ["協会", "ネットワーク", "センター", "ユニオン"],
           ["移住女性", "家事労働者", "女性労働", "気候正義"]),
    "ko": (["{p} {b} {a}", "{b} {a}"],
           ["협회", "네트워크", "연대", "센터"],
           ["이주여성", "가사노동자", "여성농민", "기후정의"]),
}

#: country code, language, weight (share of signatories), places
COUNTRIES = [
    ("GT", "es", 5, ["Quetzaltenango", "Huehuetenango", "Cobán", "Escuintla"]),
    ("MX", "es", 7, ["Oaxaca", "Chiapas", "Tijuana", "Guerrero", "Michoacán"]),
    ("CO", "es", 5, ["Cali", "Medellín", "Chocó", "Cúcuta"]),
    ("PE", "es", 3, ["Cusco", "Puno", "Piura"]),
    ("PY", "es", 2, ["Asunción", "Caaguazú", "Ñeembucú"]),
    ("AR", "es", 3, ["Córdoba", "Jujuy", "Rosario"]),
    ("ES", "es", 3, ["Almería", "Huelva", "Bilbao"]),
    ("BR", "pt", 7, ["Pernambuco", "Maranhão", "Pará", "São Paulo", "Bahia"]),
    ("MZ", "pt", 2, ["Nampula", "Beira", "Tete"]),
    ("SN", "fr", 3, ["Thiès", "Ziguinchor", "Saint-Louis"]),
    ("HT", "fr", 2, ["Gonaïves", "Jacmel", "Cap-Haïtien"]),
    ("CM", "fr", 2, ["Douala", "Garoua", "Bamenda"]),
    ("FR", "fr", 2, ["Marseille", "Lille", "Saint-Denis"]),
    ("KE", "en", 6, ["Nairobi", "Kisumu", "Turkana", "Mombasa"]),
    ("NG", "en", 4, ["Lagos", "Kano", "Port Harcourt"]),
    ("ZA", "en", 3, ["Durban", "Cape Town", "Limpopo"]),
    ("PH", "en", 4, ["Mindanao", "Cebu", "Tacloban"]),
    ("GB", "en", 2, ["Glasgow", "Leeds", "London"]),
    ("US", "en", 3, ["Texas", "California", "New York"]),
    ("IN", "en", 3, ["Kerala", "Assam", "Odisha"]),
    ("TZ", "sw", 2, ["Arusha", "Dodoma", "Mwanza"]),
    ("PH", "tl", 2, ["Batangas", "Samar", "Leyte"]),
    ("TR", "tr", 3, ["İzmir", "Gaziantep", "Diyarbakır", "Muğla"]),
    ("PL", "pl", 2, ["Łódź", "Wrocław", "Gdańsk"]),
    ("VN", "vi", 3, ["Cần Thơ", "Huế", "Đà Nẵng"]),
    ("KG", "ru", 2, ["Бишкек", "Ош", "Каракол"]),
    ("UA", "uk", 2, ["Харків", "Одеса", "Львів"]),
    ("GR", "el", 1, ["Αθήνας", "Λέσβου", "Θεσσαλονίκης"]),
    ("EG", "ar", 3, ["القاهرة", "أسوان", "الإسكندرية"]),
    ("LB", "ar", 2, ["بيروت", "طرابلس", "صيدا"]),
    ("MA", "ar", 2, ["الرباط", "فاس", "أكادير"]),
    ("IL", "he", 1, ["חיפה", "באר שבע"]),
    ("IN", "hi", 4, ["बिहार", "राजस्थान", "झारखंड", "दिल्ली"]),
    ("NP", "hi", 2, ["काठमाडौं", "पोखरा", "जनकपुर"]),
    ("BD", "bn", 4, ["ঢাকা", "খুলনা", "সিলেট", "বরিশাল"]),
    ("LK", "ta", 1, ["யாழ்ப்பாணம்", "மட்டக்களப்பு"]),
    ("TH", "th", 2, ["เชียงใหม่", "แม่สอด", "สงขลา"]),
    ("ET", "am", 2, ["አዲስ አበባ", "ባሕር ዳር", "ጎንደር"]),
    ("GE", "ka", 1, ["თბილის", "ქუთაის", "ბათუმ"]),
    ("HK", "zh", 2, ["香港", "九龍", "新界"]),
    ("TW", "zh", 1, ["台北", "高雄"]),
    ("JP", "ja", 2, ["東京", "大阪", "沖縄"]),
    ("KR", "ko", 2, ["서울", "부산", "광주"]),
]
SYMBOL_NAMES = ["Women & Migrants “Together” 🌱", "Mujeres ✊🏽 en Resistencia", "Red <Sur> & Norte",
                "Femmes d'Afrique — Réseau 🌍", "Workers' Voice (“WV”)", "Klima & Gerechtigkeit e.V."]
ORG_TYPES = ("ngo", "union", "grassroots", "network", "womens", "migrant", "faith", "research", "other")
FIRST_NAMES = ["Lucía", "Amina", "Ngozi", "Mai", "Fatima", "Priya", "Olga", "Ayşe", "Grace", "Thandiwe", "Rosa",
               "Yuki", "Min-jung", "Carmen", "Zainab", "Ana", "Hoa", "Leila", "Maria", "Esperanza"]
LAST_NAMES = ["Pérez", "Okafor", "Nguyễn", "Haddad", "Sharma", "Kowalska", "Yılmaz", "Mwangi", "Quispe", "Santos",
              "Tanaka", "Kim", "Diallo", "Rahman", "Silva", "Cohen", "Mbeki", "Ortiz", "Begum", "Hernández"]


def signatory_rows(count: int, seed: int) -> list[dict]:
    """count sign-on fields with unique, realistic names, seeded."""
    rnd = random.Random(seed)
    weights = [weight for _, _, weight, _ in COUNTRIES]
    rows, seen = [], set()
    draws = 0
    while len(rows) < count:
        draws += 1
        if draws > count * 50:
            raise ValueError(f"cannot make {count:,} different names from the word lists")
        if rnd.random() < 0.004:
            base = rnd.choice(SYMBOL_NAMES)
            country, language = rnd.choice(["CL", "FR", "DE", "US"]), ""
        else:
            country, language, _, places = rnd.choices(COUNTRIES, weights)[0]
            patterns, first, second = LANGUAGES[language]
            base = rnd.choice(patterns).format(a=rnd.choice(first), b=rnd.choice(second), p=rnd.choice(places))
        if base in seen:
            continue  # drawn again: another combination comes next
        name = base
        seen.add(name)
        roll = rnd.random()
        visibility = "count" if roll < 0.02 else "country" if roll < 0.04 else "named"
        person = f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"
        rows.append({"organization_name": name, "country": country, "org_type": rnd.choice(ORG_TYPES),
                     "website": f"https://org{len(rows)}.example.net", "contact_name": person,
                     "contact_email": f"contact{len(rows)}@private-mail.example", "message": "",
                     "visibility": visibility, "consent_to_contact": rnd.random() < 0.5})
    return rows


def statement_text(words: int, seed: int) -> str:
    """A generated statement of about this many words: whole blocks, cut at the first past the count."""
    blocks, count = [], 0
    for block in TextMaker(seed).document(words).split("\n\n"):
        blocks.append(block)
        count += len(WORD.findall(block))
        if count >= words:
            break
    return "\n\n".join(blocks) + "\n"


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 110, 110), fill=(29, 78, 137))
    draw.rectangle((130, 45, 350, 75), fill=(164, 38, 44))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# --- the app and its data ------------------------------------------------------------------------

def make_app(database_url: str | None, schema_name: str | None, instance: str):
    from statements import create_app

    if database_url:
        uri = database_url
        options = {"connect_args": {"options": f"-csearch_path={schema_name}"}, "pool_pre_ping": True}
    else:
        uri, options = f"sqlite:///{Path(instance) / 'bench.sqlite3'}", {"pool_pre_ping": True}
    return create_app({"SQLALCHEMY_DATABASE_URI": uri, "SQLALCHEMY_ENGINE_OPTIONS": options,
                       "SECRET_KEY": "bench-export-secret-key", "BASE_URL": "http://localhost", "SERVER_NAME": None})


def build(app, args) -> dict:
    """Store the people, the statement, its sign-ons and the network's look; return their ids."""
    from statements.accounts.models import Membership, User, WorkingGroup
    from statements.core.db import utcnow
    from statements.core.policy import Role
    from statements.drafts import services as drafts
    from statements.export import services
    from statements.extensions import db
    from statements.signons import services as signons
    from statements.signons.models import SignOn, SignOnStatus

    text = statement_text(args.words, args.seed)
    with app.app_context():
        db.create_all()
        group = WorkingGroup(name="Climate and Displacement", description="")
        user = User(display_name="Benchmark Coordinator", is_admin=True)
        user.set_email(EMAIL)
        user.set_password(PASSWORD)
        db.session.add_all([group, user, Membership(user=user, group=group, role=Role.COORDINATOR.value)])
        db.session.flush()
        services.save_network_settings(user, "Global Alliance for Migrant and Displaced Women", logo_png())
        statement = drafts.create_statement(user, group, TITLE, "", "en", "A joint statement to the ministers.", text)
        drafts.transition(user, statement, "final")
        signons.open_signon(user, statement, None, "UTC", True, "", False)
        db.session.commit()
        now = utcnow()
        for number, fields in enumerate(signatory_rows(args.signatories, args.seed)):
            signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                            status=SignOnStatus.APPROVED.value, source="form", confirm_nonce=secrets.token_hex(8),
                            withdraw_nonce=secrets.token_hex(8), confirmed_at=now, approved_at=now,
                            decided_by_id=user.id)
            signons._fill(signon, fields)
            db.session.add(signon)
            if number % 500 == 499:
                db.session.flush()
        # a one-page statement with one signatory: each variant makes it first, untimed, so that
        # what a process does once (loading fonts, libraries, country names) is not counted
        small = drafts.create_statement(user, group, "A short note", "", "en", "", "One paragraph.")
        drafts.transition(user, small, "final")
        signons.open_signon(user, small, None, "UTC", True, "", False)
        signon = SignOn(statement_id=small.id, revision_id=small.final_revision_id, authorized=True,
                        status=SignOnStatus.APPROVED.value, source="form", confirm_nonce=secrets.token_hex(8),
                        withdraw_nonce=secrets.token_hex(8), confirmed_at=now, approved_at=now, decided_by_id=user.id)
        signons._fill(signon, signatory_rows(1, args.seed + 1)[0])
        db.session.add(signon)
        db.session.commit()
        from statements.export.pdf import render_html

        data, _ = services.export_data(small)
        small_html = render_html(data, "country", "a4")
        data, _ = services.export_data(statement)
        html = render_html(data, "country", "a4")
        return {"statement_id": statement.id, "slug": statement.slug, "words": len(WORD.findall(text)),
                "named": len(data.signatories), "unnamed": data.unnamed_count, "html": html,
                "small_statement_id": small.id, "small_html": small_html}


# --- one cold export, in a subprocess ---------------------------------------------------------------

def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _make_once(statement_id: int) -> tuple[int, float, float]:
    """services.make_file for a new export of this statement: (export id, wall seconds, CPU seconds)."""
    from sqlalchemy import delete

    from statements.drafts import services as drafts
    from statements.drafts.models import Statement
    from statements.export import services
    from statements.export.models import ExportFile
    from statements.extensions import db

    db.session.execute(delete(ExportFile).where(ExportFile.statement_id == statement_id))
    db.session.commit()
    drafts._text_cache.clear()
    export, started = services.request_export(db.session.get(Statement, statement_id), "pdf", "country", "a4")
    assert started
    export_id = export.id
    db.session.remove()
    cpu, wall = time.process_time(), time.perf_counter()
    services.make_file(export_id)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if db.session.get(ExportFile, export_id).status != "done":
        raise SystemExit(f"the export failed: {db.session.get(ExportFile, export_id).error}")
    return export_id, wall, cpu


def child(args) -> dict:
    """One variant, in this fresh process: the small statement first (untimed), then the long one."""
    state = json.loads((Path(args.instance) / STATE_FILE).read_text())
    variant = args.child
    if variant == "service":
        app = make_app(args.database_url, state["schema"], args.instance)
        from statements.export import services
        from statements.export.models import ExportFile
        from statements.extensions import db

        with app.app_context():
            _, first_wall, _ = _make_once(state["small_statement_id"])
            before = _rss_kb()
            export_id, wall, cpu = _make_once(state["statement_id"])
            export = db.session.get(ExportFile, export_id)
            pages, size = export.pages, export.size
            if args.keep_pdf:
                shutil.copy(services.file_path(export), args.keep_pdf)
    else:
        from weasyprint import HTML

        options = {"pdf_variant": "pdf/ua-1"} if variant == "plain pdf/ua-1" else {}
        started = time.perf_counter()
        HTML(string=state["small_html"]).render(**options).write_pdf(**options)
        first_wall = time.perf_counter() - started
        target = Path(args.instance) / "plain.pdf"
        before = _rss_kb()
        cpu, wall = time.process_time(), time.perf_counter()
        document = HTML(string=state["html"]).render(**options)
        document.write_pdf(target, **options)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        pages, size = len(document.pages), target.stat().st_size
    return {"variant": variant, "seconds": wall, "cpu": cpu, "pages": pages, "bytes": size, "first": first_wall,
            "rss_before_kb": before, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def run_child(args, variant: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", variant, "--instance", args.instance]
    if args.database_url:
        command += ["--database-url", args.database_url]
    if args.keep_pdf and variant == "service":
        command += ["--keep-pdf", args.keep_pdf]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode != 0:
        raise SystemExit(f"the {variant} subprocess failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the cached download -----------------------------------------------------------------------------

def downloads(app, args, state: dict) -> list[str]:
    from statements.accounts.models import User
    from statements.drafts import services as drafts
    from statements.drafts.models import Statement
    from statements.export import services
    from statements.extensions import db
    from statements.signons import services as signons

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": csrf_token(page), "email": EMAIL, "password": PASSWORD})
    form = client.get(f"/statements/{state['statement_id']}/export").get_data(as_text=True)
    answer = client.post(f"/statements/{state['statement_id']}/export",
                         data={"csrf_token": csrf_token(form), "kind": "pdf", "group_by": "country", "page_size": "a4"})
    if answer.status_code != 302:
        raise SystemExit(f"the export form answered {answer.status_code}")
    address = answer.headers["Location"] + "/download"
    if services.running_threads:
        raise SystemExit("the export form started a new file instead of giving the one made already")

    def timed(path: str) -> list[float]:
        durations = []
        for _ in range(args.downloads):
            started = time.perf_counter()
            response = client.get(path)
            body = response.data
            durations.append(time.perf_counter() - started)
            if response.status_code != 200 or not body.startswith(b"%PDF-"):
                raise SystemExit(f"GET {path} answered {response.status_code} without the PDF")
        return durations

    staff = timed(address)
    with app.app_context():
        statement = db.session.get(Statement, state["statement_id"])
        user = db.session.get(User, statement.created_by_id)
        signons.close_signon(user, statement)
        drafts.transition(user, statement, "published")
        db.session.commit()
    public_path = f"/s/{state['slug']}/statement.pdf"
    first = client.get(public_path)
    if first.status_code != 200:
        raise SystemExit(f"the public PDF was not the cached file (answered {first.status_code})")
    public = timed(public_path)
    size = len(first.data)

    def line(label: str, values: list[float]) -> str:
        return (f"{label}: median {statistics.median(values) * 1000:.1f} ms (min {min(values) * 1000:.1f}, "
                f"max {max(values) * 1000:.1f}, {len(values)} requests, {size / 1024:,.0f} KB)")

    return [line(f"cached download, GET {answer.headers['Location']}/download (coordinator)", staff),
            line(f"cached download, GET {public_path} (public, published)", public)]


# --- main -----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=3000, help="words in the generated statement (default 3000)")
    parser.add_argument("--signatories", type=int, default=2000, help="approved sign-ons (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="cold exports of each variant, taking turns (default 3)")
    parser.add_argument("--downloads", type=int, default=20, help="cached downloads timed per route (default 20)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated text and names (default 2026)")
    parser.add_argument("--database-url", help="PostgreSQL URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test;"
                                               " a fresh schema is created in it and dropped at the end")
    parser.add_argument("--keep-pdf", help="copy the service's PDF to this file, to look at it")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.words < 100 or args.signatories < 0 or args.rounds < 1 or args.downloads < 1:
        parser.error("words at least 100, signatories not negative, rounds and downloads at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for name in APP_VARIABLES:
        os.environ.pop(name, None)
    args.instance = tempfile.mkdtemp(prefix="statements-bench-export-")
    os.environ["STATEMENTS_INSTANCE"] = args.instance
    schema = PostgresSchema(args.database_url) if args.database_url else None
    app = None
    try:
        if schema:
            schema.__enter__()
            args.database_url = schema.url
        import weasyprint

        print(f"Export benchmark: Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
              f"{os.cpu_count()} CPUs, {args.rounds} rounds, medians", flush=True)
        print("building the data ...", file=sys.stderr, flush=True)
        app = make_app(args.database_url, schema.name if schema else None, args.instance)
        state = build(app, args)
        state["schema"] = schema.name if schema else None
        (Path(args.instance) / STATE_FILE).write_text(json.dumps(state))
        database = f"postgresql (schema {schema.name}, dropped at the end)" if schema else "sqlite (a temporary file)"
        print(f"statement: {state['words']:,} words; signatories: {args.signatories:,} approved "
              f"({state['named']:,} named, {state['unnamed']:,} count- or country-only); "
              f"HTML {len(state['html'].encode()) / 1024:,.0f} KB; database: {database}", flush=True)

        results = {variant: [] for variant in VARIANTS}
        for round_number in range(args.rounds):
            order = VARIANTS[round_number % 3:] + VARIANTS[:round_number % 3]
            for variant in order:
                print(f"round {round_number + 1}: {variant} ...", file=sys.stderr, flush=True)
                results[variant].append(run_child(args, variant))

        def median(variant: str, key: str) -> float:
            return statistics.median(run[key] for run in results[variant])

        lines = ["cold export, A4, grouped by country (each run in a fresh subprocess):"]
        for variant in VARIANTS:
            runs = results[variant]
            lines.append(
                f"  {variant:15} {median(variant, 'seconds'):6.2f} s wall (min {min(r['seconds'] for r in runs):.2f}, "
                f"max {max(r['seconds'] for r in runs):.2f}), {median(variant, 'cpu'):6.2f} s CPU, "
                f"{runs[0]['pages']} pages, {runs[0]['bytes'] / 1024:,.0f} KB, peak memory "
                f"{max(r['peak_kb'] for r in runs) / 1024:,.0f} MB (resident before the timed part "
                f"{statistics.median(r['rss_before_kb'] for r in runs) / 1024:,.0f} MB); the small statement "
                f"first, untimed in the ratio: {median(variant, 'first'):.2f} s")
        service, tagged, plain = (median(variant, "seconds") for variant in VARIANTS)
        service_cpu, tagged_cpu, plain_cpu = (median(variant, "cpu") for variant in VARIANTS)
        service_best, tagged_best, plain_best = (min(run["seconds"] for run in results[variant])
                                                 for variant in VARIANTS)
        lines += [
            f"  ratio service / plain pdf/ua-1: {service / tagged:.2f} wall (medians), {service_best / tagged_best:.2f}"
            f" wall (best runs), {service_cpu / tagged_cpu:.2f} CPU (medians) (goal at most 1.1)",
            f"  ratio service / plain without pdf/ua-1: {service / plain:.2f} wall (medians), "
            f"{service_best / plain_best:.2f} wall (best runs), {service_cpu / plain_cpu:.2f} CPU (medians)"
            " (for information)",
            f"  pages: {results['service'][0]['pages']} (goal at most 20); peak memory of the service: "
            f"{max(r['peak_kb'] for r in results['service']) / 1024:,.0f} MB (goal at most 300 MB)",
        ]
        print("\n".join(lines), flush=True)
        print("measuring cached downloads ...", file=sys.stderr, flush=True)
        print("\n".join(downloads(app, args, state)), flush=True)
    finally:
        try:
            if app is not None:
                from statements.extensions import db

                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
        finally:
            try:
                if schema:
                    schema.__exit__(None, None, None)
            finally:
                shutil.rmtree(args.instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
