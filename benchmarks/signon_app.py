"""The app as the sign-on benchmark serves it: ``benchmarks.signon_app:app`` under gunicorn.

It is the app of ``wsgi.py`` with three settings changed so that a burst of sign-ons from one
address is measured rather than refused: no minimum time to fill the form in
(``SIGNON_MIN_FILL_SECONDS = 0``; the signed ``started`` field is still checked), and a per-address
sign-on limit and a per-person posting limit (the mixed load's replies) that no burst reaches. Everything else (CSRF, the honeypot, duplicate checks, the outbox) runs
as in production.

Each response carries ``Server-Timing: app;dur=<ms>``: the time from the request entering the
app to its body being produced, so the benchmark can tell the server's time from the client's.

``SIGNON_BENCH_COUNT_CACHE_SECONDS`` in the environment overrides how long the counts are kept
(``0``: computed on every request), to show what the cache saves.

``SIGNON_BENCH_WITHOUT`` (a comma-separated list, ``--without`` of the sign-on benchmarks) leaves out
some of a sign-on's work in this process only, to measure what each part costs and what is left
without them; a server so started is not the app and its sign-ons are not checked as they must be:

* ``rules``: the form's rules, the honeypot and the signed start time (`sent_by_a_person`);
* ``limit``: the per-address limit counted in Redis;
* ``lookup``: the same-name query made before storing (nothing found, ever);
* ``wake``: the word to the mail worker through Redis after the commit;
* ``log``: the request log line of the answers given without the framework.
"""

import os

from benchmarks.harness import SIGNON_PARTS, ServerTiming
from statements import create_app
from statements.core.serving import settle
from statements.signons import services

#: production's limit has two windows ("10 per minute; 60 per hour"), each counted: here both wide enough for a burst
app = settle(create_app({"SIGNON_MIN_FILL_SECONDS": 0,
                         "SIGNON_LIMIT_PER_ADDRESS": "100000 per minute; 1000000 per hour",
                         "POSTING_LIMIT_PER_PERSON": "100000 per minute"}))  # as wsgi.py settles it

if os.environ.get("SIGNON_BENCH_COUNT_CACHE_SECONDS"):
    services.COUNT_CACHE_SECONDS = float(os.environ["SIGNON_BENCH_COUNT_CACHE_SECONDS"])


def leave_out(parts: set[str]) -> None:
    """Replace the named parts of a sign-on's work with nothing, in this process."""
    from statements.core import jobs, recent_answers
    from statements.signons import forms, views

    unknown = parts - set(SIGNON_PARTS)
    if unknown:
        raise SystemExit(f"SIGNON_BENCH_WITHOUT: no part called {', '.join(sorted(unknown))} "
                         f"(parts: {', '.join(SIGNON_PARTS)})")
    if "rules" in parts:
        views.sent_by_a_person = lambda form: True
        forms.SignOnForm.validate = lambda self, extra_validators=None: True
    if "limit" in parts:
        views.counted_within_limit = lambda address: True
    if "lookup" in parts:
        services.find_same_name = lambda connection, statement, signon: None
    if "wake" in parts:
        jobs.enqueue = lambda *args, **kwargs: True
    if "log" in parts:
        recent_answers.log_answer = lambda *args, **kwargs: None


if os.environ.get("SIGNON_BENCH_WITHOUT"):
    leave_out({part.strip() for part in os.environ["SIGNON_BENCH_WITHOUT"].split(",") if part.strip()})

app.wsgi_app = ServerTiming(app.wsgi_app)
