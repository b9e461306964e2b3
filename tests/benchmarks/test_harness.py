"""The benchmark harness against the hello-world app: the counts add up and the server stops.

Only counts are checked, never timings.
"""

import os

from benchmarks.harness import (
    BackendCpu, GunicornServer, build_request, combine, csrf_token, named_connections, percentile, run_load,
)
from tests.conftest import POSTGRES_URL, skip_or_fail


def test_bounded_load_on_the_hello_world_counts_every_request():
    with GunicornServer("benchmarks.hello_app:app", workers=1, start_timeout=60) as server:
        master, workers = server.pids()
        result = run_load(server.port, "/", requests=50, concurrency=4, time_limit=60, warmup=5)
        memory = server.memory()

    assert result.requested == 50
    assert result.done == 50
    assert result.completed == 50
    assert result.errors == 0
    assert result.non_2xx == 0
    assert result.statuses == {200: 50}
    assert result.bytes_received == 50 * len(b"Hello, World!")
    assert len(result.latencies_ms) == 50
    assert result.p50_ms <= result.p90_ms <= result.p99_ms <= result.max_ms
    assert memory["master"]["pid"] == master
    assert [worker["pid"] for worker in memory["workers"]] == workers
    assert memory["total_peak_kb"] > 0
    assert server.process is None
    assert not any(os.path.exists(f"/proc/{pid}") for pid in [master, *workers])


def test_errors_are_counted_when_nothing_listens():
    with GunicornServer("benchmarks.hello_app:app", workers=1) as server:
        port = server.port
    result = run_load(port, "/", requests=10, concurrency=2, time_limit=30)

    assert result.done == 10
    assert result.errors == 10
    assert result.completed == 0
    assert result.error_samples


def test_rounds_combine_into_one_result():
    with GunicornServer("benchmarks.hello_app:app", workers=1) as server:
        rounds = [run_load(server.port, "/", requests=size, concurrency=2, time_limit=60) for size in (7, 8)]
    combined = combine(rounds)

    assert combined.requested == combined.completed == 15
    assert combined.statuses == {200: 15}
    assert combined.duration_s == sum(r.duration_s for r in rounds)


def test_requests_carry_the_session_cookie():
    request = build_request("/groups/1", 8000, cookies={"session": "abc.def", "remember": "1"})

    assert request.startswith(b"GET /groups/1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n")
    assert b"\r\nCookie: session=abc.def; remember=1\r\n" in request
    assert request.endswith(b"\r\n\r\n")


def test_csrf_token_is_read_from_the_hidden_input():
    page = '<form><input id="csrf_token" name="csrf_token" type="hidden" value="Ijk.abc"></form>'

    assert csrf_token(page) == "Ijk.abc"


def test_percentiles_use_the_nearest_rank():
    values = [1.0, 2.0, 3.0, 4.0]

    assert percentile(values, 50) == 2.0
    assert percentile(values, 90) == 4.0
    assert percentile([], 50) == 0.0


def test_the_page_weight_statement_is_real_prose_of_the_length_asked():
    from benchmarks.bench_page_weight import prose

    text = prose(3000)
    assert len(text.split()) == 3000
    assert "```" not in text and "|" not in text
    assert len(set(text.split())) > 600  # varied words, compressing as a real text does


def test_connections_are_named_only_on_postgresql():
    assert named_connections("sqlite:////tmp/x.sqlite3", "pages") == "sqlite:////tmp/x.sqlite3"
    named = named_connections("postgresql+psycopg://postgres@127.0.0.1/test?options=-csearch_path%3Dx", "pages")
    assert named.startswith("postgresql+psycopg://postgres@127.0.0.1/test?options=-csearch_path%3Dx&")
    assert f"application_name=bench-pages-{os.getpid()}" in named


def test_the_database_cpu_counted_is_that_of_the_named_connections_only():
    if not POSTGRES_URL:
        skip_or_fail("the database's own processes are PostgreSQL's: set TEST_DATABASE_URL")
    from sqlalchemy import create_engine, text

    busy = text("SELECT count(*) FROM generate_series(1, 3000000)")
    counter = BackendCpu(POSTGRES_URL)
    named, other = create_engine(named_connections(POSTGRES_URL, "pages")), create_engine(POSTGRES_URL)
    try:
        with named.connect() as mine, other.connect() as theirs:
            mine.execute(text("SELECT 1"))
            before = counter.snapshot("pages")
            theirs.execute(busy)
            idle = counter.used_since("pages", before)
            mine.execute(busy)
            worked = counter.used_since("pages", before)
        assert len(before) == 1  # (the one named connection open)
        assert idle < 0.05 < worked  # (counting 3 million rows takes a backend well over 50 ms of CPU)
    finally:
        named.dispose()
        other.dispose()
        counter.close()
