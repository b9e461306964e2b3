"""Benchmark harness: run a WSGI app under gunicorn on loopback and put a bounded load on it.

Four parts, usable on their own:

* ``GunicornServer`` starts gunicorn on 127.0.0.1 on a free port with N workers for a WSGI
  target and an environment, waits until it answers, reports the memory of its processes, and
  always stops it (use it as a context manager).
* ``run_load`` sends a fixed number of requests (and/or stops at a time limit) at a fixed
  concurrency from threads with plain sockets, keeping connections alive when the server allows
  it, and returns requests per second, latency percentiles, and error and non-2xx counts.
* ``ServerTiming`` wraps a WSGI app so that each response says how long the app took to make it.
* ``Browser`` and ``log_in`` do the few requests needed before a load: fetch a form, post it
  with its CSRF token, and keep the cookies, so a page can be measured as a logged-in user.

Nothing here asserts a timing: the figures are for comparison within one run.
"""

from __future__ import annotations

import http.client
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
#: Sent by the setup requests and the load alike: sessions may be tied to the user agent.
USER_AGENT = "statements-benchmark/1"
CSRF_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*>')
VALUE_ATTRIBUTE = re.compile(r'\bvalue="([^"]*)"')


class ServerError(RuntimeError):
    """The server did not start, or stopped while it was needed."""


def free_port(host: str = HOST) -> int:
    """Return a TCP port that is free on host right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def gunicorn_version() -> str:
    import gunicorn

    return gunicorn.__version__


# --- the server --------------------------------------------------------------------------------

#: the parts of a sign-on's work the sign-on benchmarks may leave out of the app's server with --without, to
#: measure what each costs (`benchmarks/signon_app.py` says what each is)
SIGNON_PARTS = ("rules", "limit", "lookup", "wake", "log")


def add_app_threads_argument(parser) -> None:
    """--app-threads: the app's workers as statements/gunicorn_config.py runs them in production."""
    from statements import gunicorn_config

    parser.add_argument("--app-threads", type=int, default=gunicorn_config.threads,
                        help="threads per app worker, gunicorn's gthread worker as in statements/gunicorn_config.py "
                             f"(default {gunicorn_config.threads}; 1: a sync worker)")


def worker_options(threads: int) -> dict:
    """GunicornServer options for workers of this many threads (one thread: gunicorn's sync worker)."""
    return {"worker_class": "gthread", "threads": threads} if threads > 1 else {}


def workers_text(workers: int, threads: int) -> str:
    plural = "s" if workers > 1 else ""
    return f"{workers} gthread worker{plural} of {threads} threads" if threads > 1 else f"{workers} sync worker{plural}"


def _children(pid: int) -> list[int]:
    """Return the ids of the processes whose parent is pid (read from /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces: read after the last ")".
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            children.append(int(entry))
    return sorted(children)


def _cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far, in seconds, or 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory_kb(pid: int) -> dict | None:
    """Return the peak (VmHWM) and current (VmRSS) resident memory of a process in kB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = {}
    for line in status.splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            values[name] = int(rest.split()[0])
    return {"pid": pid, "peak_kb": values.get("VmHWM", 0), "rss_kb": values.get("VmRSS", 0)}


class GunicornServer:
    """gunicorn serving one WSGI target on 127.0.0.1, started and stopped by this object.

    ``with GunicornServer("wsgi:app", workers=2, env=env) as server:`` starts it, waits until it
    answers an HTTP request on ``ready_path`` (any status counts), and stops it on leaving the
    block, also when the block raises. The environment is passed as given (the current
    environment when None); the working directory is the project root, so ``wsgi:app`` and
    ``benchmarks.hello_app:app`` both import.
    """

    def __init__(self, target: str, *, workers: int = 2, env: dict | None = None,
                 worker_class: str = "sync", threads: int = 1, preload: bool = False,
                 extra_args: tuple[str, ...] = (), cwd: Path | str = PROJECT_ROOT,
                 ready_path: str = "/", start_timeout: float = 60.0, stop_timeout: float = 15.0):
        self.target = target
        self.workers = workers
        self.env = dict(os.environ if env is None else env)
        self.worker_class = worker_class
        self.threads = threads
        self.preload = preload
        self.extra_args = tuple(extra_args)
        self.cwd = str(cwd)
        self.ready_path = ready_path
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def command(self, port: int) -> list[str]:
        command = [
            sys.executable, "-m", "gunicorn",
            "--bind", f"{HOST}:{port}",
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--chdir", self.cwd,
            "--log-level", "warning",
            "--error-logfile", "-",
            "--graceful-timeout", str(max(1, int(self.stop_timeout) - 5)),
            # Several servers may run one after another or side by side: no shared control socket.
            "--no-control-socket",
        ]
        if self.threads > 1:
            command += ["--threads", str(self.threads)]
        if self.preload:
            command.append("--preload")
        return command + list(self.extra_args) + [self.target]

    def start(self) -> "GunicornServer":
        """Start gunicorn and wait until it answers; retry on another port if one is taken."""
        last_error = None
        for _ in range(3):
            self.port = free_port()
            self._log = tempfile.TemporaryFile()
            self.process = subprocess.Popen(
                self.command(self.port), cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            try:
                self._wait_until_ready()
                return self
            except ServerError as error:
                last_error = error
                log = self.log_text()
                self.stop()
                if "Address already in use" not in log:
                    raise
        raise last_error

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"gunicorn exited with status {self.process.returncode}:\n{self.log_text()}")
            connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
            try:
                connection.request("GET", self.ready_path, headers={"User-Agent": USER_AGENT})
                connection.getresponse().read()
                return
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
            finally:
                connection.close()
        raise ServerError(f"gunicorn did not answer within {self.start_timeout:.0f} s:\n{self.log_text()}")

    def log_text(self) -> str:
        """Return what gunicorn and the app wrote to stdout and stderr so far."""
        if self._log is None or self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def pids(self) -> tuple[int | None, list[int]]:
        """Return the master's id and its workers' ids."""
        if self.process is None or self.process.poll() is not None:
            return None, []
        return self.process.pid, _children(self.process.pid)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the workers (not the master, which only watches them).

        Unlike throughput and latency, this hardly changes with what else the machine is doing, so
        the CPU time per request of two servers compares them fairly on a busy machine too.
        """
        _, workers = self.pids()
        return sum(_cpu_seconds(pid) for pid in workers)

    def memory(self) -> dict:
        """Peak and current resident memory of the master and each worker, in kB.

        Workers share pages with the master (copy-on-write), so the totals overstate the memory
        really used; they are for comparing runs, not for sizing a machine.
        """
        master, workers = self.pids()
        master_memory = _memory_kb(master) if master else None
        worker_memory = [m for m in map(_memory_kb, workers) if m]
        everything = ([master_memory] if master_memory else []) + worker_memory
        return {
            "master": master_memory,
            "workers": worker_memory,
            "total_peak_kb": sum(m["peak_kb"] for m in everything),
            "total_rss_kb": sum(m["rss_kb"] for m in everything),
        }

    def stop(self) -> None:
        """Stop gunicorn: a graceful TERM first, then KILL to its whole process group."""
        process = self.process
        if process is not None:
            try:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=self.stop_timeout)
                    except subprocess.TimeoutExpired:
                        os.killpg(process.pid, signal.SIGKILL)
                        process.wait(timeout=self.stop_timeout)
                # Workers left behind by a master that died are still in its process group.
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            finally:
                self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "GunicornServer":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()


# --- the app's own time ------------------------------------------------------------------------

class ServerTiming:
    """WSGI middleware: add ``Server-Timing: app;dur=<ms>`` (request in to body out) to each response."""

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


# --- the load ----------------------------------------------------------------------------------

class _ClosedBeforeAnswer(ConnectionError):
    """The server closed a kept-alive connection before answering: safe to send again."""


class _Connection:
    """One client connection speaking just enough HTTP/1.1 to measure responses."""

    def __init__(self, host: str, port: int, timeout: float):
        self.address = (host, port)
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.opened = 0

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.buffer.clear()

    def _open(self) -> None:
        self.sock = socket.create_connection(self.address, timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.opened += 1

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def _read_exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            if not self._fill():
                raise ConnectionError("connection closed in the middle of a response")
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data

    def _read_line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            if not self._fill():
                raise ConnectionError("connection closed in the middle of a response")
        line = bytes(self.buffer[:end])
        del self.buffer[:end + 2]
        return line

    def request(self, raw: bytes, method: str) -> tuple[int, int]:
        """Send one request; return the status and the body length. Raises OSError on failure."""
        reused = self.sock is not None
        if not reused:
            self._open()
        try:
            self.sock.sendall(raw)
            return self._read_response(method)
        except _ClosedBeforeAnswer:
            self.close()
            if not reused:
                raise
        except BaseException:
            self.close()
            raise
        # The kept-alive connection had been closed by the server: send once more on a new one.
        self._open()
        try:
            self.sock.sendall(raw)
            return self._read_response(method)
        except BaseException:
            self.close()
            raise

    def _read_response(self, method: str) -> tuple[int, int]:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            if not self._fill():
                if self.buffer:
                    raise ConnectionError("connection closed in the middle of the response headers")
                raise _ClosedBeforeAnswer("connection closed before a response")
        head = bytes(self.buffer[:end]).decode("latin-1")
        del self.buffer[:end + 4]
        status_line, *header_lines = head.split("\r\n")
        version, status_text = status_line.split(" ", 2)[:2]
        status = int(status_text)
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        connection = headers.get("connection", "")
        keep_alive = ("close" not in connection) if version == "HTTP/1.1" else ("keep-alive" in connection)

        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            length = 0
        elif "chunked" in headers.get("transfer-encoding", ""):
            length = 0
            while True:
                size = int(self._read_line().split(b";")[0], 16)
                if size == 0:
                    while self._read_line():  # trailers, up to the empty line
                        pass
                    break
                length += len(self._read_exactly(size + 2)) - 2
        elif "content-length" in headers:
            length = len(self._read_exactly(int(headers["content-length"])))
        else:  # the body ends when the server closes the connection
            while self._fill():
                pass
            length = len(self.buffer)
            keep_alive = False
        if not keep_alive:
            self.close()
        return status, length


def cookie_header(cookies: dict[str, str] | None) -> str:
    return "; ".join(f"{name}={value}" for name, value in (cookies or {}).items())


def build_request(path: str, port: int, *, method: str = "GET", host: str = HOST,
                  cookies: dict[str, str] | None = None, headers: dict[str, str] | None = None,
                  body: bytes = b"") -> bytes:
    """Return the bytes of one HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", f"User-Agent: {USER_AGENT}",
             "Accept: */*"]
    if cookies:
        lines.append(f"Cookie: {cookie_header(cookies)}")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def percentile(sorted_values: list[float], percent: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class LoadResult:
    """What one bounded load measured. Latencies are in milliseconds, over answered requests."""

    label: str
    path: str
    requested: int | None
    concurrency: int
    completed: int = 0          # requests answered with any HTTP status
    errors: int = 0             # requests with no complete answer (refused, reset, timed out)
    non_2xx: int = 0            # answered with a status outside 200-299
    statuses: dict = field(default_factory=dict)
    duration_s: float = 0.0
    requests_per_s: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    mean_ms: float = 0.0
    max_ms: float = 0.0
    bytes_received: int = 0
    connections_opened: int = 0
    client_cpu_s: float = 0.0   # CPU time the load generator itself used
    time_limit_reached: bool = False
    error_samples: list = field(default_factory=list)
    latencies_ms: list = field(default_factory=list, repr=False)  # ascending, one per answered request

    @property
    def done(self) -> int:
        """Requests sent and finished one way or another."""
        return self.completed + self.errors

    def as_dict(self) -> dict:
        """The figures without the individual latencies, e.g. to write as JSON."""
        figures = asdict(self)
        del figures["latencies_ms"]
        return figures

    def summarize(self) -> "LoadResult":
        """Compute the rate and the latency figures from the counts, duration and latencies."""
        latencies = self.latencies_ms
        latencies.sort()
        self.completed = len(latencies)
        self.non_2xx = sum(count for status, count in self.statuses.items() if not 200 <= status < 300)
        self.requests_per_s = self.completed / self.duration_s if self.duration_s > 0 else 0.0
        self.p50_ms = percentile(latencies, 50)
        self.p90_ms = percentile(latencies, 90)
        self.p99_ms = percentile(latencies, 99)
        self.mean_ms = sum(latencies) / len(latencies) if latencies else 0.0
        self.max_ms = latencies[-1] if latencies else 0.0
        return self


def combine(results: list[LoadResult], label: str | None = None) -> LoadResult:
    """Merge the rounds of one target into one result, as if measured in one go.

    The rate is the answered requests over the summed durations; the percentiles are over all
    latencies together.
    """
    if not results:
        raise ValueError("nothing to combine")
    first = results[0]
    merged = LoadResult(label=label or first.label, path=first.path, concurrency=first.concurrency,
                        requested=None if any(r.requested is None for r in results)
                        else sum(r.requested for r in results))
    statuses: Counter = Counter()
    for result in results:
        statuses.update(result.statuses)
        merged.errors += result.errors
        merged.duration_s += result.duration_s
        merged.bytes_received += result.bytes_received
        merged.connections_opened += result.connections_opened
        merged.client_cpu_s += result.client_cpu_s
        merged.time_limit_reached |= result.time_limit_reached
        merged.error_samples += result.error_samples[: max(0, 5 - len(merged.error_samples))]
        merged.latencies_ms += result.latencies_ms
    merged.statuses = dict(sorted(statuses.items()))
    return merged.summarize()


def run_load(port: int, path: str = "/", *, requests: int | None = 3000, concurrency: int = 8,
             time_limit: float | None = 60.0, warmup: int = 0, method: str = "GET",
             cookies: dict[str, str] | None = None, headers: dict[str, str] | None = None,
             body: bytes = b"", timeout: float = 10.0, host: str = HOST, label: str = "") -> LoadResult:
    """Send `requests` requests for path from `concurrency` threads; stop at `time_limit` seconds.

    At least one of requests and time_limit must be given, so the load always ends. Each thread
    keeps its connection alive when the server allows it and opens a new one when it does not.
    `warmup` requests are sent first the same way and not counted.
    """
    if requests is None and time_limit is None:
        raise ValueError("give a number of requests, a time limit, or both")
    if concurrency < 1 or (requests is not None and requests < 0):
        raise ValueError("concurrency must be at least 1 and requests not negative")
    if warmup:
        run_load(port, path, requests=warmup, concurrency=concurrency, time_limit=time_limit, method=method,
                 cookies=cookies, headers=headers, body=body, timeout=timeout, host=host)

    raw = build_request(path, port, method=method, host=host, cookies=cookies, headers=headers, body=body)
    result = LoadResult(label=label or path, path=path, requested=requests, concurrency=concurrency)
    lock = threading.Lock()
    remaining = [requests]
    per_thread: list[tuple[list[float], Counter, int, int, list[str], int]] = []
    start_gate = threading.Barrier(concurrency + 1)
    deadline = [math.inf]
    timed_out = threading.Event()

    def take_one() -> bool:
        if time.perf_counter() >= deadline[0]:
            timed_out.set()
            return False
        if remaining[0] is None:
            return True
        with lock:
            if remaining[0] <= 0:
                return False
            remaining[0] -= 1
            return True

    def worker() -> None:
        latencies: list[float] = []
        statuses: Counter = Counter()
        errors = 0
        received = 0
        samples: list[str] = []
        connection = _Connection(host, port, timeout)
        try:
            start_gate.wait()
            while take_one():
                started = time.perf_counter()
                try:
                    status, length = connection.request(raw, method)
                except (OSError, ValueError) as error:
                    errors += 1
                    if len(samples) < 3:
                        samples.append(f"{type(error).__name__}: {error}")
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1
                received += length
        finally:
            connection.close()
            with lock:
                per_thread.append((latencies, statuses, errors, received, samples, connection.opened))

    threads = [threading.Thread(target=worker, name=f"load-{index}", daemon=True) for index in range(concurrency)]
    for thread in threads:
        thread.start()
    cpu_started = time.process_time()
    started = time.perf_counter()
    deadline[0] = math.inf if time_limit is None else started + time_limit
    start_gate.wait()
    for thread in threads:
        thread.join()
    result.duration_s = time.perf_counter() - started
    result.client_cpu_s = time.process_time() - cpu_started

    statuses: Counter = Counter()
    for latencies, thread_statuses, errors, received, samples, opened in per_thread:
        result.latencies_ms += (seconds * 1000 for seconds in latencies)
        statuses.update(thread_statuses)
        result.errors += errors
        result.bytes_received += received
        result.connections_opened += opened
        result.error_samples += samples[: max(0, 5 - len(result.error_samples))]
    result.statuses = dict(sorted(statuses.items()))
    result.time_limit_reached = timed_out.is_set()
    return result.summarize()


# --- setting up a session ----------------------------------------------------------------------

@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")


class Browser:
    """A few requests in a row with a cookie jar, like a browser: for logging in before a load."""

    def __init__(self, port: int, host: str = HOST, timeout: float = 30.0):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html"}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = cookie_header(self.cookies)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self._remember(response.msg.get_all("Set-Cookie") or [])
        return Response(response.status, response.msg, text)

    def _remember(self, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            jar = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> Response:
        return self.request("POST", path, form)


def csrf_token(html: str) -> str:
    """Return the value of the hidden csrf_token input of a page's form."""
    tag = CSRF_INPUT.search(html)
    value = VALUE_ATTRIBUTE.search(tag.group(0)) if tag else None
    if value is None:
        raise ValueError("no csrf_token input on the page")
    return value.group(1)


def log_in(browser: Browser, email: str, password: str, login_path: str = "/login") -> dict[str, str]:
    """Log in through the login form; return the cookies that carry the session."""
    page = browser.get(login_path)
    if page.status != 200:
        raise ServerError(f"GET {login_path} answered {page.status}")
    answer = browser.post(login_path, {"csrf_token": csrf_token(page.text), "email": email, "password": password})
    if answer.status not in (302, 303):
        raise ServerError(f"logging in as {email} failed: POST {login_path} answered {answer.status}")
    return dict(browser.cookies)


# --- counting instructions (valgrind's callgrind) --------------------------------------------------

CALLGRIND_COLLECTED = re.compile(r"Collected : (\d+)")


def has_callgrind() -> bool:
    import shutil

    return bool(shutil.which("valgrind") and shutil.which("callgrind_control"))


def callgrind(switch: str) -> None:
    """Turn callgrind's counting on ("on") or off ("off") in this process, which runs under callgrind."""
    subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], capture_output=True, check=True)


def count_instructions(module_arguments: list[str], env: dict, label: str) -> tuple[int, str]:
    """Run `python -m <module_arguments>` under callgrind with counting off until it turns it on (callgrind);
    return the instructions counted and what it printed. Stops the benchmark with its output if it failed."""
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
               sys.executable, "-m", *module_arguments]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, env=dict(env, PYTHONHASHSEED="0"),
                               stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=3600)
    collected = CALLGRIND_COLLECTED.findall(completed.stderr)
    if completed.returncode != 0 or not collected:
        raise SystemExit(f"{label} failed:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}")
    return int(collected[-1]), completed.stdout


# --- the database's own CPU time ------------------------------------------------------------------

def named_connections(url: str, server: str) -> str:
    """The URL with an application_name on PostgreSQL, so that each server's backends can be found."""
    if not url.startswith("postgresql"):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name=bench-{server}-{os.getpid()}"


class BackendCpu:
    """CPU time of the PostgreSQL backend processes that serve one server's connections.

    Each backend is a process on this machine; pg_stat_activity names it by the application_name
    of its connection, and /proc/<pid>/stat says how much CPU it has used. A backend opened during
    a burst counts from zero; one closed during a burst is lost (the pools keep theirs open).
    """

    def __init__(self, url: str):
        import psycopg

        self.connection = psycopg.connect(re.sub(r"^postgresql\+\w+://", "postgresql://", url.split("?")[0]),
                                          autocommit=True)

    def snapshot(self, server: str) -> dict[int, float]:
        name = f"bench-{server}-{os.getpid()}"
        pids = [pid for (pid,) in self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (name,))]
        return {pid: _cpu_seconds(pid) for pid in pids}

    def used_since(self, server: str, before: dict[int, float]) -> float:
        return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in self.snapshot(server).items())

    def close(self) -> None:
        self.connection.close()
