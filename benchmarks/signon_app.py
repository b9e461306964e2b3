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
"""

import os

from benchmarks.harness import ServerTiming
from statements import create_app
from statements.core.serving import settle
from statements.signons import services

app = settle(create_app({"SIGNON_MIN_FILL_SECONDS": 0, "SIGNON_LIMIT_PER_ADDRESS": "100000 per minute",
                         "POSTING_LIMIT_PER_PERSON": "100000 per minute"}))  # as wsgi.py settles it

if os.environ.get("SIGNON_BENCH_COUNT_CACHE_SECONDS"):
    services.COUNT_CACHE_SECONDS = float(os.environ["SIGNON_BENCH_COUNT_CACHE_SECONDS"])

app.wsgi_app = ServerTiming(app.wsgi_app)
