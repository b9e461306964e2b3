"""A file served by plain WSGI: the baseline of the public PDF in ``bench_public.py``.

``benchmarks.file_app:app`` answers every GET with the file at ``BENCH_FILE_PATH`` as an
attachment, with the headers the app gives a public PDF (type, name, length, ETag,
``Cache-Control``), read through the server's ``wsgi.file_wrapper`` as Flask's ``send_file``
reads it. No framework, no database: what sending those bytes costs on this machine. It adds
``Server-Timing: app;dur=<ms>`` as the app served beside it does.
"""

import hashlib
import os

from benchmarks.harness import ServerTiming

PATH = os.environ.get("BENCH_FILE_PATH", "")
ETAG = hashlib.sha256(PATH.encode()).hexdigest()[:32]


def _app(environ, start_response):
    if environ.get("HTTP_IF_NONE_MATCH") == f'"{ETAG}"':
        start_response("304 Not Modified", [("ETag", f'"{ETAG}"')])
        return [b""]
    handle = open(PATH, "rb")  # noqa: SIM115 (closed by the server through the wrapper)
    size = os.fstat(handle.fileno()).st_size
    start_response("200 OK", [("Content-Type", "application/pdf"), ("Content-Length", str(size)),
                              ("Content-Disposition", f"attachment; filename={os.path.basename(PATH)}"),
                              ("ETag", f'"{ETAG}"'), ("Cache-Control", "public, no-cache")])
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None:
        return wrapper(handle, 8192)
    return iter(lambda: handle.read(8192), b"")


app = ServerTiming(_app)
