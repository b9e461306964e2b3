"""gunicorn's settings for Statements: ``gunicorn -c python:statements.gunicorn_config wsgi:app``.

Each worker process runs several threads: a request waiting for the database (for a commit,
which waits for the disk, or for a database on another machine) or sending a long download
leaves the process free to serve another. Python runs one thread at a time per process, so
processes, not threads, use more cores. Every value can be set from the
environment; command-line options given to gunicorn win over these.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: one process per core, at least two so that one busy process never holds up everyone
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
#: a request taking longer than this is stopped, and its worker replaced (exports run off requests)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
#: on a restart, requests under way get this long to finish
graceful_timeout = 30
keepalive = 5
#: each request is logged by the app itself, with its request id and user (statements/core)
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
#: the app is created in each worker, after the fork: no database connection is shared between processes
preload_app = False
