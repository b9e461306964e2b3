"""The sign-on work benchmark's timed loop (`--timed`) answers and stores every sign-on it times, and says so."""

import re

from benchmarks import bench_signon_work


def test_the_timed_loop_stores_exactly_the_sign_ons_it_times(redis_server, capsys):
    assert bench_signon_work.main(["--database", "sqlite", "--only", "app", "minimal", "checked", "--signons", "3",
                                   "--timed", "2", "--redis-url", redis_server.url]) == 0
    printed = capsys.readouterr().out
    assert "NOT EXACT" not in printed
    lines = {name: re.search(rf"^  {name} +(\d+\.\d+) ms \((\d+\.\d+)-(\d+\.\d+)\) +answered 6/6, stored 36 of 36$",
                             printed, re.M) for name in ("Statements", "minimal app", "checked minimal app")}
    assert all(lines.values()), printed
    for found in lines.values():
        median, lowest, highest = map(float, found.groups())
        assert 0 < lowest <= median <= highest
    assert re.search(r"^  ratio Statements / minimal app: \d+\.\d\d$", printed, re.M)
