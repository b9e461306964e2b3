"""Two app processes share the sign-on form's rate limit through Redis; with Redis down each
process limits on its own and the form keeps answering; with Redis back they share it again."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.signons.pages import form

LIMIT = "5 per minute"


@pytest.fixture
def slug(world):
    return world.signon_slug  # a statement with sign-on open


@pytest.fixture
def two_apps(start_app, redis_server, key_prefix):
    config = {"REDIS_URL": redis_server.url, "RATELIMIT_KEY_PREFIX": key_prefix, "SIGNON_LIMIT_PER_ADDRESS": LIMIT}
    return Signer(start_app(**config)), Signer(start_app(**config))


class Signer:
    """A person at one app process, sending the public sign-on form as a browser would."""

    signed = 0

    def __init__(self, process):
        self.url = process.url
        self.session = requests.Session()

    def page(self, slug: str) -> requests.Response:
        return self.session.get(f"{self.url}/s/{slug}", timeout=10)

    def sign(self, slug: str) -> int:
        """Send the form for another organization; return the status code."""
        page = self.page(slug)
        assert page.status_code == 200
        fields = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page.text).group(1)
                  for name in ("csrf_token", "started")}
        Signer.signed += 1
        number = Signer.signed
        data = form(organization_name=f"Union of Domestic Workers No. {number}",
                    contact_email=f"contact{number}@workers{number}.example", **fields)
        response = self.session.post(f"{self.url}/s/{slug}/sign", data=data, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 429), (response.status_code, response.text[:2000])
        return response.status_code


def test_two_processes_share_the_limit_through_redis(two_apps, slug, redis_server, key_prefix):
    a, b = two_apps

    assert [a.sign(slug) for _ in range(3)] == [302, 302, 302]
    assert [b.sign(slug) for _ in range(2)] == [302, 302]
    assert b.sign(slug) == 429  # the sixth from this address, counted across both processes
    assert a.sign(slug) == 429
    assert redis_server.keys(f"*{key_prefix}*")


def signed_again(signer: Signer, slug: str, within: float = 30) -> bool:
    """Send the form until it is accepted again (refused meanwhile), as a patient person would."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if signer.sign(slug) == 302:
            return True
        time.sleep(0.5)
    return False


def test_with_redis_down_each_process_limits_alone_and_with_redis_back_they_share_again(
        two_apps, slug, redis_server, key_prefix):
    a, b = two_apps
    assert a.sign(slug) == 302
    redis_server.stop()

    # the form keeps working (never a 500), and the limit holds within each process
    assert [a.sign(slug) for _ in range(6)] == [302] * 5 + [429]
    assert [b.sign(slug) for _ in range(6)] == [302] * 5 + [429]  # a count of its own, not A's
    assert a.page(slug).status_code == b.page(slug).status_code == 200

    redis_server.start()  # empty: the counts it held are gone with it
    # each process refuses from memory until it looks for Redis again, after a pause that grows
    # while Redis stays down (1, 2, 4 ... seconds); then it counts in Redis, without a restart
    assert signed_again(a, slug) and signed_again(b, slug)
    assert redis_server.keys(f"*{key_prefix}*")
    assert [a.sign(slug), b.sign(slug), a.sign(slug)] == [302] * 3
    assert b.sign(slug) == 429  # five since Redis came back, across both processes


def test_every_window_of_the_limit_is_counted_and_shared_by_both_paths(start_app, redis_server, key_prefix, slug):
    # production's limit has two windows: the app's own decorator counts the first sign-on and the refusals, the
    # sign-ons taken from a recent page are counted without the framework, under the same keys
    process = start_app(REDIS_URL=redis_server.url, RATELIMIT_KEY_PREFIX=key_prefix,
                        SIGNON_LIMIT_PER_ADDRESS="3 per minute; 10 per hour")
    signer = Signer(process)
    assert [signer.sign(slug) for _ in range(5)] == [302, 302, 302, 429, 429]
    keys = redis_server.keys(f"*{key_prefix}*signons.sign*")  # (…/signons.sign/<amount>/<multiple>/<granularity>)
    counts = {"{} per {}".format(*key.decode().split("/")[-3::2]): int(redis_server.client().get(key)) for key in keys}
    # each refusal stopped at the window it broke, as Flask-Limiter stops: the hour holds the three taken
    assert counts["3 per minute"] > 3 and counts["10 per hour"] == 3


def test_every_window_is_counted_in_one_round_trip_as_flask_limiter_counts_them_one_by_one(redis_server):
    from limits import parse_many
    from limits.storage import RedisStorage
    from limits.strategies import FixedWindowRateLimiter

    from statements.core.rate_limits import hit_all

    strategy = FixedWindowRateLimiter(RedisStorage(redis_server.url))
    windows = sorted(parse_many("3 per minute; 10 per hour"))  # (the order Flask-Limiter counts them in)
    client = redis_server.client()
    hit_all(strategy, windows, "another address")  # (the script is sent to Redis once)
    client.config_resetstat()
    in_one = [hit_all(strategy, windows, "198.51.100.7", "signons.sign") for _ in range(5)]
    calls = {name: stats["calls"] for name, stats in client.info("commandstats").items()}
    one_by_one = [all(strategy.hit(window, "198.51.100.8", "signons.sign") for window in windows) for _ in range(5)]

    assert in_one == one_by_one == [True, True, True, False, False]
    assert calls.get("cmdstat_evalsha") == 5 and not calls.get("cmdstat_eval")  # one round trip a sign-on
    for address in ("198.51.100.7", "198.51.100.8"):  # the minute spent; the hour holds the three taken only
        left = [strategy.get_window_stats(window, address, "signons.sign").remaining for window in windows]
        assert left == [0, 7]
    for key in client.keys("*198.51.100.7*"):  # each window's count lives as long as the window
        assert 0 < client.ttl(key) <= (60 if key.endswith(b"minute") else 3600)


def counter(redis_server, limits: str):
    """Count sign-ons from an address against `limits`, as the sign-on path counts them; give whether it was taken
    and the first window's count after it."""
    from limits import parse_many
    from limits.storage import RedisStorage
    from limits.strategies import FixedWindowRateLimiter

    from statements.core.rate_limits import hit_all

    strategy = FixedWindowRateLimiter(RedisStorage(redis_server.url))
    windows = sorted(parse_many(limits))

    def count(address: str = "203.0.113.9") -> tuple[bool, int]:
        taken = hit_all(strategy, windows, address, "signons.sign")
        return taken, windows[0].amount - strategy.get_window_stats(windows[0], address, "signons.sign").remaining

    return count


@pytest.fixture
def windows_counted(redis_server):
    return counter(redis_server, "3 per minute; 10 per hour")


def test_a_script_redis_forgot_is_sent_again_and_the_counting_goes_on(windows_counted, redis_server):
    assert windows_counted() == (True, 1)
    redis_server.client().script_flush()  # as after a restart of Redis that kept its data
    assert windows_counted() == (True, 2)
    assert windows_counted() == (True, 3)
    assert windows_counted() == (False, 3)


def test_a_connection_redis_closed_is_replaced_and_the_counting_goes_on(windows_counted, redis_server):
    assert windows_counted() == (True, 1)
    client = redis_server.client()
    killed = client.client_kill_filter(_type="normal", skipme=True)  # every connection but this one
    assert killed >= 1
    assert windows_counted() == (True, 2)


def test_with_redis_gone_counting_fails_at_once_and_goes_on_once_it_is_back(windows_counted, redis_server):
    from redis.exceptions import RedisError

    assert windows_counted() == (True, 1)
    redis_server.stop()
    with pytest.raises(RedisError):  # (the sign-on view then counts it with the limiter's own fallback)
        windows_counted()
    redis_server.start()  # empty: the counts it held are gone with it
    assert windows_counted() == (True, 1)
    assert windows_counted() == (True, 2)


def test_sign_ons_counted_from_many_threads_at_once_are_each_counted_once(redis_server):
    count = counter(redis_server, "1000 per minute; 10000 per hour")
    with ThreadPoolExecutor(max_workers=8) as pool:
        taken = list(pool.map(lambda _: count("203.0.113.10")[0], range(200)))
    assert all(taken)
    assert count("203.0.113.10") == (True, 201)
