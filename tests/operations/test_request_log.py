"""Every request is logged as one line under an id that the response carries in X-Request-ID;
a crash is logged with that id, the person and the traceback, and the error page shows the id."""

import io
import logging
import re
import time
from contextlib import contextmanager

import pytest
from flask.logging import default_handler

from statements.core import request_log
from statements.core.request_log import ErrorsStreamHandler, log_answer

from tests.factories import PASSWORD

LINE = re.compile(r"id=(?P<id>\S+) method=(?P<method>\S+) path=(?P<path>\S+) status=(?P<status>\d+) "
                  r"ms=(?P<ms>\d+\.\d) user=(?P<user>\S+) addr=(?P<addr>\S+)")


@pytest.fixture
def request_lines(caplog):
    """Return the request log lines, parsed, of what the test did."""
    caplog.set_level(logging.INFO, logger="statements.requests")

    def lines() -> list[dict]:
        found = []
        for record in caplog.records:
            if record.name == "statements.requests":
                message = record.getMessage()
                assert "\n" not in message
                found.append(LINE.fullmatch(message).groupdict())
        return found

    return lines


def test_each_response_carries_a_new_request_id(client):
    first, second = client.get("/login"), client.get("/no/such/page")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(re.fullmatch(r"[0-9a-f]{16}", each) for each in ids)
    assert ids[0] != ids[1]


def test_a_sane_incoming_request_id_is_kept(client):
    for given in ("7f3c2a1e9b8d4c6f", "4b8f6d0e-2c1a-4e5f-9a7b-3d2c1b0a9f8e", "req.2026-11-28:0001"):
        assert client.get("/login", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given


@pytest.mark.parametrize("given", ["short", "x" * 129, "two words here", "abc12345 user=forged", "идентификатор-1", "<script>x1</script>",
                                   "-starts-with-a-dash"])
def test_an_odd_incoming_request_id_is_replaced(client, request_lines, given):
    answered = client.get("/login", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert answered != given and re.fullmatch(r"[0-9a-f]{16}", answered)
    assert [line["id"] for line in request_lines()] == [answered]


def test_a_request_is_logged_with_its_id_status_duration_and_address(client, request_lines):
    response = client.get("/no/such/page", headers={"X-Request-ID": "from-the-proxy-42"})
    [line] = request_lines()
    assert line == {"id": "from-the-proxy-42", "method": "GET", "path": "/no/such/page", "status": "404",
                    "ms": line["ms"], "user": "-", "addr": "127.0.0.1"}
    assert float(line["ms"]) >= 0
    assert response.headers["X-Request-ID"] == "from-the-proxy-42"


def test_a_signed_in_request_is_logged_with_the_persons_id(client, world, request_lines):
    client.login(world.emails["member"], PASSWORD)
    response = client.get("/groups")
    assert response.status_code == 200
    line = request_lines()[-1]
    assert (line["id"], line["path"], line["status"], line["user"]) == (
        response.headers["X-Request-ID"], "/groups", "200", str(world.user_ids["member"]))
    # logging in was a POST answered with a redirect, logged like any other request
    assert any(each["method"] == "POST" and each["path"] == "/login" and each["status"] == "302"
               for each in request_lines())


def test_requests_turned_away_early_are_logged_with_an_id_too(client, world, request_lines):
    response = client.post("/groups/new", data={"name": "No token"})  # refused by the CSRF check
    assert response.status_code == 400
    [line] = request_lines()
    assert (line["id"], line["method"], line["status"]) == (response.headers["X-Request-ID"], "POST", "400")


def test_a_path_cannot_forge_a_log_line(client, request_lines):
    client.get("/no/such%0Aid=forged user=1 page")
    [line] = request_lines()
    assert line["path"] == "/no/such%0Aid=forged%20user=1%20page"
    assert line["user"] == "-"


def test_logging_asks_the_database_nothing(app, client, world, count_queries):
    """The log line names the person only if the request already loaded them: no query of its own."""
    client.login(world.emails["member"], PASSWORD)
    requests_log = logging.getLogger("statements.requests")
    counts = {}
    for level in (logging.INFO, logging.CRITICAL, logging.INFO):  # the first round warms the caches
        requests_log.setLevel(level)
        try:
            with count_queries() as counted:
                assert client.get(f"/statements/{world.statement_id}").status_code == 200
                assert client.get(f"/s/{world.signon_slug}/badge.svg").status_code == 200
        finally:
            requests_log.setLevel(logging.NOTSET)
        counts[level] = counted[0]
    assert counts[logging.INFO] == counts[logging.CRITICAL]


# --- where the lines go -------------------------------------------------------------------------

FLASK_LINE = re.compile(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO in request_log: " + LINE.pattern)


@pytest.fixture
def app_logging_as_served(other_app):
    """An app made where nothing else handles its lines (as under gunicorn, unlike under pytest, whose own handler
    makes Flask add none), the handlers as they were put back afterwards."""
    root, ours = logging.getLogger(), logging.getLogger("statements")
    kept = root.handlers[:], ours.handlers[:]
    root.handlers[:], ours.handlers[:] = [], []
    try:
        yield other_app()
    finally:
        root.handlers[:], ours.handlers[:] = kept


def test_a_requests_line_goes_to_its_error_stream_in_flasks_format(app_logging_as_served, capsys):
    stream = io.StringIO()
    response = app_logging_as_served.test_client().get("/login", errors_stream=stream)
    [line] = stream.getvalue().splitlines()
    found = FLASK_LINE.fullmatch(line)
    assert found and found["id"] == response.headers["X-Request-ID"] and found["path"] == "/login"
    assert response.headers["X-Request-ID"] not in capsys.readouterr().err  # (not written twice)


def test_a_line_written_outside_a_request_goes_to_stderr(app_logging_as_served, capsys):
    """As the answers given without the framework write theirs: no request is there to give a stream."""
    with app_logging_as_served.app_context():
        log_answer("outside-request-1", "POST", "/s/a-slug/sign", 302, time.perf_counter(), "-", "192.0.2.7")
    [line] = [each for each in capsys.readouterr().err.splitlines() if "outside-request-1" in each]
    assert FLASK_LINE.fullmatch(line)["addr"] == "192.0.2.7"


def test_the_app_logs_through_one_handler_however_many_apps_are_made(app_logging_as_served, other_app):
    other_app()
    handlers = logging.getLogger("statements").handlers
    assert default_handler not in handlers
    assert sum(isinstance(handler, ErrorsStreamHandler) for handler in handlers) == 1


@contextmanager
def only_the_apps_handler():
    """While the test runs, pytest's capture handlers (put on the root logger after the fixtures) taken away too."""
    root = logging.getLogger()
    kept, root.handlers[:] = root.handlers[:], []
    try:
        yield
    finally:
        root.handlers[:] = kept


@pytest.fixture
def one_moment(monkeypatch):
    """Every clock a log line reads stopped at one moment (a quarter past a second, which every way of counting
    milliseconds reads alike)."""
    moment = 1765100000.25
    monkeypatch.setattr(time, "time", lambda: moment)
    monkeypatch.setattr(time, "time_ns", lambda: 1765100000_250_000_000)
    monkeypatch.setattr(time, "perf_counter", lambda: 5.0)


def test_a_line_is_written_without_a_record_as_logging_would_write_it(app_logging_as_served, capsys, one_moment,
                                                                     monkeypatch):
    """As served, a request's line is written for itself (`write_line`); with a filter on its way, through `logging`
    as any other line: the same bytes, to the same stream."""
    made, make = [], request_log.log.makeRecord
    monkeypatch.setattr(request_log.log, "makeRecord",
                        lambda *args, **kwargs: made.append(args) or make(*args, **kwargs))

    def line_written() -> str:
        with only_the_apps_handler(), app_logging_as_served.app_context():
            log_answer("same-moment-1", "POST", "/s/a-slug/sign", 302, 5.0, "-", "192.0.2.7")
        return capsys.readouterr().err

    written_for_itself = line_written()
    assert made == []
    passed = []
    [handler] = logging.getLogger("statements").handlers
    handler.addFilter(lambda record: passed.append(record) or True)
    through_logging = line_written()
    assert len(made) == len(passed) == 1
    assert written_for_itself == through_logging
    assert FLASK_LINE.fullmatch(written_for_itself.rstrip("\n"))["id"] == "same-moment-1"


def test_a_line_goes_through_logging_to_any_other_handler(app_logging_as_served):
    """An operator's handler (or one more beside the app's) gets every request's line as a record."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    with only_the_apps_handler():
        logging.getLogger().addHandler(handler)
        app_logging_as_served.test_client().get("/login", errors_stream=io.StringIO())
    assert [record.module for record in records if record.name == "statements.requests"] == ["request_log"]


def test_no_line_is_written_where_the_handler_is_set_above_info(app_logging_as_served):
    [handler] = logging.getLogger("statements").handlers
    handler.setLevel(logging.WARNING)
    stream = io.StringIO()
    with only_the_apps_handler():
        app_logging_as_served.test_client().get("/login", errors_stream=stream)
    assert stream.getvalue() == ""


class FailingStream(io.StringIO):
    def write(self, text):
        raise OSError("the disk is full")


def test_a_stream_that_fails_is_said_on_stderr_and_the_request_still_answered(app_logging_as_served, capsys):
    with only_the_apps_handler():
        response = app_logging_as_served.test_client().get("/login", errors_stream=FailingStream())
    assert response.status_code == 200
    assert "the disk is full" in capsys.readouterr().err


# --- crashes ------------------------------------------------------------------------------------

@pytest.fixture
def crashing_app(other_app):
    """An app with one more route, which fails after looking at who is logged in."""
    from flask_login import current_user

    crashing = other_app()

    @crashing.route("/crash-for-test")
    def crash():
        raise RuntimeError(f"the crash under test (user {current_user.get_id()})")

    return crashing


def test_a_crash_is_logged_with_its_context_and_its_id_shown_to_the_person(crashing_app, world, caplog):
    client = crashing_app.test_client()
    client.login(world.emails["coordinator"], PASSWORD)
    with caplog.at_level(logging.INFO, logger="statements"):
        response = client.get("/crash-for-test", headers={"X-Request-ID": "crash-report-0001"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "<h1>Something went wrong on our side</h1>" in page
    assert "quote this reference: <code class=\"reference\">crash-report-0001</code>" in page
    assert "RuntimeError" not in page and "Traceback" not in page
    assert response.headers["X-Request-ID"] == "crash-report-0001"

    [crash] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert crash.getMessage() == (f"Unhandled error id=crash-report-0001 user={world.user_ids['coordinator']} "
                                  "method=GET path=/crash-for-test")
    assert crash.exc_info[0] is RuntimeError
    assert "the crash under test" in caplog.text  # the traceback is in the log
    [line] = [r.getMessage() for r in caplog.records if r.name == "statements.requests" and "crash" in r.getMessage()]
    assert "id=crash-report-0001" in line and "status=500" in line


def test_an_anonymous_crash_is_logged_without_a_person(crashing_app, caplog):
    with caplog.at_level(logging.ERROR, logger="statements"):
        response = crashing_app.test_client().get("/crash-for-test")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert request_id in response.get_data(as_text=True)
    [crash] = caplog.records
    assert f"id={request_id} user=- method=GET" in crash.getMessage()


def test_other_error_pages_show_no_reference(client):
    page = client.get("/no/such/page").get_data(as_text=True)
    assert "quote this reference" not in page


def test_logging_never_breaks_a_request_that_stored_the_current_user_proxy(other_app, world, request_lines):
    """login_user(current_user) stores the proxy, which resolves to itself: the log line must not look."""
    from flask import redirect
    from flask_login import current_user, login_user

    relogging = other_app()

    @relogging.route("/log-in-again-for-test")
    def log_in_again():
        login_user(current_user)
        return redirect("/")

    client = relogging.test_client()
    client.login(world.emails["member"], PASSWORD)
    assert client.get("/log-in-again-for-test").status_code == 302
    assert request_lines()[-1]["user"] == "-"
