"""The app as the sign-on benchmark serves it: ``benchmarks.signon_app:app`` under gunicorn.

It is the app of ``wsgi.py`` with two settings changed so that a burst of sign-ons from one
address is measured rather than refused: no minimum time to fill the form in
(``SIGNON_MIN_FILL_SECONDS = 0``; the signed ``started`` field is still checked) and a per-address
limit no burst reaches. Everything else (CSRF, the honeypot, duplicate checks, the outbox) runs
as in production.

Each response carries ``Server-Timing: app;dur=<ms>``: the time from the request entering the
app to its body being produced, so the benchmark can tell the server's time from the client's.

``SIGNON_BENCH_COUNT_CACHE_SECONDS`` in the environment overrides how long the counts are kept
(``0``: computed on every request), to show what the cache saves.
"""

import os
import time

from statements import create_app
from statements.signons import services

app = create_app({"SIGNON_MIN_FILL_SECONDS": 0, "SIGNON_LIMIT_PER_ADDRESS": "100000 per minute"})

if os.environ.get("SIGNON_BENCH_COUNT_CACHE_SECONDS"):
    services.COUNT_CACHE_SECONDS = float(os.environ["SIGNON_BENCH_COUNT_CACHE_SECONDS"])


class ServerTiming:
    """WSGI middleware: add the app's own time to each response's headers."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        captured = {}

        def remember(status, headers, exc_info=None):
            captured["args"] = (status, list(headers), exc_info)
            return lambda data: None  # the app returns its body; no flask view writes directly

        body = self.wsgi_app(environ, remember)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        elapsed_ms = (time.perf_counter() - started) * 1000
        status, headers, exc_info = captured["args"]
        headers.append(("Server-Timing", f"app;dur={elapsed_ms:.2f}"))
        start_response(status, headers, exc_info)
        return chunks


app.wsgi_app = ServerTiming(app.wsgi_app)
