"""Rate-limit counts kept in this process's memory (without Redis, and while Redis is away).

The memory storage of the `limits` library expires counts with a timer thread that lives 10 ms,
and starts a new one on the next counted request after it ended: under a steady trickle of
sign-ons, a thread for nearly every request. Here counts expire as they are read (the library
already does that) and a request that finds the last sweep a minute old sweeps the rest, in the
request, without a thread.
"""

import math
import os
import threading
import time
import weakref

from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import ConnectionError as RedisConnectionError, NoScriptError

#: how often a request clears the counts whose time is up (they are never read as current meanwhile)
SWEEP_EVERY_SECONDS = 60.0
SCHEME = "statements-memory"


class SweptMemoryStorage(MemoryStorage):
    """`limits`' memory storage, expired without a thread: see the module's description."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one the library starts at once
        self._swept_at = time.monotonic()

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.timer.cancel()

    def _MemoryStorage__schedule_expiry(self) -> None:  # the library's private hook, run on every count
        now = time.monotonic()
        if now - self._swept_at >= SWEEP_EVERY_SECONDS:
            self._swept_at = now
            self._MemoryStorage__expire_events()


def use_swept_memory_as_fallback(limiter) -> None:
    """Count in `SweptMemoryStorage` while Redis is away, too (the configuration names the storage used
    without Redis: `statements-memory://`). Flask-Limiter makes its fallback as a plain memory storage,
    with no setting to name another, so it is replaced once the limiter is set up."""
    if getattr(limiter, "_fallback_storage", None) is not None:
        limiter._fallback_storage = SweptMemoryStorage()
        limiter._fallback_limiter = type(limiter._fallback_limiter)(limiter._fallback_storage)


#: the settings whose limits Flask-Limiter counts in its pass before every view, not in a route's decorator
LIMITS_COUNTED_BEFORE_EVERY_VIEW = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META",
                                    "RATELIMIT_IN_MEMORY_FALLBACK")


def count_in_limited_routes_only(app, limiter) -> None:
    """Take Flask-Limiter's pass before every view off the app while it has nothing to count there.

    That pass counts default, application-wide and meta limits. None is set (the limiter is made without
    any, and the settings above are empty): each limited route carries its own decorator, which counts it
    and notices Redis coming back. The pass cost every request, every page and every sign-on, a walk through
    the limiter's tables that found nothing. Setting any of those limits keeps it.
    """
    passes = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit not in passes:  # (rate limiting is off: there is no pass)
        return
    if not any(app.config.get(key) for key in LIMITS_COUNTED_BEFORE_EVERY_VIEW) and not _limits_beyond_routes(limiter):
        passes.remove(limiter._check_request_limit)


def _limits_beyond_routes(limiter) -> bool:
    """Whether the limiter holds limits that only its pass before every view counts: given to the limiter
    itself (as the settings above give them), or to a whole blueprint."""
    manager = limiter.limit_manager
    return any(getattr(manager, name, None) for name in ("_default_limits", "_application_limits",
                                                         "_blueprint_limits")) \
        or any(getattr(limiter, name, None) for name in ("_meta_limits", "_in_memory_fallback"))


def say_when_to_retry(response):
    """A refusal for too many attempts says, in Retry-After, how many seconds until its limit's window ends.

    Only refusals carry it: the X-RateLimit-* headers on every limited answer cost a round trip to the
    counts' storage per request (on every sign-on), and the limited forms are sent by browsers, which read none.
    """
    if response.status_code == 429 and "Retry-After" not in response.headers:
        from statements.extensions import limiter

        breached = limiter.current_limit
        if breached is None:
            seconds = 60
        else:  # (the window's end is kept in whole seconds: never more than the window itself)
            seconds = min(math.ceil(breached.reset_at - time.time()), breached.limit.get_expiry())
        response.headers["Retry-After"] = str(max(1, seconds))
    return response


#: fixed windows counted in turn, in one round trip to Redis: each count raised by one and, when that starts its
#: window, given the window's expiry, as `limits` counts one window (its incr_expire script); stopping at the first
#: window over its limit, as Flask-Limiter stops at the first limit breached. ARGV holds each window's expiry and
#: limit in turn. The number of the window over (from 1), or 0.
_COUNT_IN_TURN = """
for i, key in ipairs(KEYS) do
  local current = redis.call("incr", key)
  if current == 1 then
    redis.call("expire", key, ARGV[2 * i - 1])
  end
  if current > tonumber(ARGV[2 * i]) then
    return i
  end
end
return 0
"""

#: the script above, registered once with each Redis storage's client
_scripts: "weakref.WeakKeyDictionary[RedisStorage, object]" = weakref.WeakKeyDictionary()


def hit_all(strategy, items: list, *identifiers: str) -> bool:
    """Count a request against each of `items`, in their order, as `strategy.hit` counts it against one, stopping at
    the first over its limit; whether none was. A route with several limits ("10 per minute; 60 per hour") costs
    one round trip to Redis instead of one for each (storage errors are the storage's own, as `hit` raises them)."""
    storage = strategy.storage
    if len(items) < 2 or type(strategy) is not FixedWindowRateLimiter or type(storage) is not RedisStorage:
        return all(strategy.hit(item, *identifiers) for item in items)
    script = _scripts.get(storage)
    if script is None:
        script = _scripts[storage] = storage.get_connection().register_script(_COUNT_IN_TURN)
    keys = [storage.prefixed_key(item.key_for(*identifiers)) for item in items]
    values = [value for item in items for value in (item.get_expiry(), item.amount)]
    try:
        return int(_run(script, keys, values)) == 0
    except storage.base_exceptions as error:
        if storage.wrap_exceptions:
            raise StorageError(error) from error
        raise


def _run(script, keys: list, values: list):
    """Run a registered script as calling it runs it (EVALSHA), on this thread's own connection to its client's
    Redis, without the client's layers around each command (its pool's lock and checks, its retries, events and
    metrics, its answers' callbacks): they cost a sign-on more of its time than the round trip itself. A connection
    Redis closed meanwhile (a restart, an idle client's timeout) is opened again once; any other failure is raised at
    once (the caller has a way to go on without Redis), the connection closed, so that an answer arriving late is
    never read as the next one's (it opens again on the next call). A script Redis no longer holds (after a restart)
    is called as usual, which loads it again."""
    connection = _threads_connection(script.registered_client.connection_pool)
    for attempt in (1, 2):
        try:
            connection.send_command("EVALSHA", script.sha, len(keys), *keys, *values)
            return connection.read_response()
        except NoScriptError:
            return script(keys, values)
        except RedisConnectionError:
            connection.disconnect()
            if attempt == 2:
                raise
        except BaseException:
            connection.disconnect()
            raise
    raise AssertionError("unreachable")


#: each thread's connection to each Redis client's server, made with the client's settings (its timeouts); gone
#: with the client
_connections = threading.local()


def _threads_connection(pool):
    kept = getattr(_connections, "by_pool", None)
    if kept is None:
        kept = _connections.by_pool = weakref.WeakKeyDictionary()
    connection = kept.get(pool)
    if connection is None or connection.pid != os.getpid():  # (a process forked since holds none of its own)
        connection = kept[pool] = pool.make_connection()
    return connection
