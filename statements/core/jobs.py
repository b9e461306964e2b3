"""Background jobs: through Redis to a worker process when REDIS_URL is set, else in this process.

Redis only carries the news that there is work; what the work is stays in the database (an export
row, the outbox), so a job lost with Redis or with a worker is made up for by the same means as
without Redis: an export is started again once it is stale, and the periodic mail sender
delivers the outbox.
"""

import importlib
import os
import signal
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, get_current_job

from statements.extensions import db

QUEUE_NAME = "statements"
#: a job of this kind waiting in the queue marks itself for this long at most (if it is lost, the
#: mark expires and the next one is queued)
WAITING_FOR = 60


def redis_connection(url: str) -> Redis:
    """A client for the web side: quick to give up, so a request never waits long on a dead Redis."""
    clients = current_app.extensions.setdefault("statements.redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    return clients[url]


def enqueue(func_path: str, *args, fallback: Callable[[], object] | None = None, job_timeout: int = 180,
            once: bool = False) -> bool:
    """Queue func_path(*args) for a worker; without Redis, or when it cannot be reached, call fallback().

    With once, a job of the same function already waiting makes this one needless. Return whether
    the job went to Redis.
    """
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            connection = redis_connection(url)
            if once and not connection.set(_waiting_key(func_path), 1, nx=True, ex=WAITING_FOR):
                return True  # one is waiting and will see this work too: it clears the mark when it starts
            target, job_args = (run_once, (func_path, *args)) if once else (func_path, args)
            # nothing reads results (the database has them); failures are kept a week to look into
            Queue(QUEUE_NAME, connection=connection).enqueue(
                target, *job_args, job_timeout=job_timeout, result_ttl=0, failure_ttl=7 * 24 * 3600)
            return True
        except RedisError as error:
            current_app.logger.warning("Redis cannot be reached (%s): %s runs without it", error, func_path)
    if fallback is not None:
        fallback()
    return False


#: how long a job asked for with `enqueue_gathered` waits for others asking for the same
GATHER_SECONDS = 0.05


class _Gatherer:
    """Once-only jobs asked for by many requests within a moment, queued once for all of them by a thread of this
    process: during a campaign every sign-on asks for the mail to be delivered, a few hundred times a second."""

    def __init__(self):
        self._lock = threading.Lock()
        self._asked = threading.Event()
        self._waiting: set[tuple[Flask, str]] = set()
        self._pid: int | None = None

    def ask(self, app: Flask, func_path: str) -> None:
        with self._lock:
            self._waiting.add((app, func_path))
            if self._pid != os.getpid():  # (a thread does not live on in a process forked from this one)
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="job-gatherer", daemon=True).start()
        self._asked.set()

    def _run(self) -> None:
        while True:
            self._asked.wait()
            time.sleep(GATHER_SECONDS)
            with self._lock:  # (asked for from now on: in the next round)
                waiting, self._waiting = self._waiting, set()
                self._asked.clear()
            for app, func_path in waiting:
                with app.app_context():
                    try:
                        enqueue(func_path, once=True)
                    except Exception:  # noqa: BLE001 (the thread must go on; the periodic sender makes up for it)
                        app.logger.exception("%s could not be queued", func_path)


_gatherer = _Gatherer()


def enqueue_gathered(func_path: str) -> None:
    """Queue func_path() as `enqueue(func_path, once=True)` does, GATHER_SECONDS from now, once for every request of
    this process asking for it meanwhile: each asks after its own work is committed, so the job, queued later
    still, sees the work of all of them. Without Redis, nothing (the periodic sender delivers the mail)."""
    if current_app.config.get("REDIS_URL"):
        _gatherer.ask(current_app._get_current_object(), func_path)


def _waiting_key(func_path: str) -> str:
    return f"statements:waiting:{func_path}"


def run_once(func_path: str, *args) -> None:
    """Clear the waiting mark, then run: work that arrives from now on needs a job of its own."""
    get_current_job().connection.delete(_waiting_key(func_path))
    module, name = func_path.rsplit(".", 1)
    getattr(importlib.import_module(module), name)(*args)


class AppWorker(SimpleWorker):
    """An RQ worker whose jobs run inside the application's context, one at a time in this process.

    Jobs run in the worker's own process rather than in a fork, so the database connection pool
    and the mail sender's thread are never copied into a child half-way through their work.
    """

    app: Flask

    def execute_job(self, job, queue):
        with self.app.app_context():
            try:
                return super().execute_job(job, queue)
            finally:
                db.session.remove()


def make_worker(app: Flask) -> AppWorker:
    """A worker on the application's queue (the connection waits as long as the queue needs)."""
    connection = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=5)
    worker = AppWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
    worker.app = app
    return worker


def work(app: Flask, burst: bool = False, retry_after: float = 5) -> None:
    """Run jobs until stopped; when Redis cannot be reached, wait for it rather than exit.

    RQ waits for Redis itself while it waits for a job, but gives up when Redis is missing as it
    starts or records a job; staying up keeps the mail sender in this process delivering.
    """
    while True:
        try:
            make_worker(app).work(burst=burst)
            return
        except RedisError as error:
            if burst:
                raise
            app.logger.warning("Redis cannot be reached (%s): the worker tries again in %s s", error, retry_after)
        # RQ's own signal handlers expect a running worker: stop at once if told to while waiting
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        time.sleep(retry_after)
