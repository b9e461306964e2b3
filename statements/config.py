"""The one place that reads the environment."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from statements.core import rate_limits

TRUE_WORDS = {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """The service cannot start with this configuration."""


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in TRUE_WORDS


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"Refusing to start: {name} must be a whole number, not {value!r}.")
    return int(value)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level() -> str:
    level = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"Refusing to start: LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}.")
    return level


ENVIRONMENTS = ("development", "production")
#: the shortest SECRET_KEY production accepts: it signs sessions and every emailed link
SECRET_KEY_MIN_BYTES = 32


def _environment() -> str:
    env = os.environ.get("STATEMENTS_ENV", "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"Refusing to start: STATEMENTS_ENV must be development or production, not {env!r}. "
                          "Set it to production on a server, or leave it unset for development.")
    return env


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret_key(instance_path: str) -> str:
    """Return the secret key kept in the instance folder, creating it once."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


def load_config(instance_path: str) -> dict:
    """Build the configuration from environment variables with safe defaults."""
    env = _environment()
    sqlite_path = Path(instance_path) / "statements.sqlite3"
    config = {
        "ENV_NAME": env,
        "DEBUG": _flag("FLASK_DEBUG"),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{sqlite_path}")
        ),
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "NETWORK_NAME": os.environ.get("NETWORK_NAME", "Global Coalition Network"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Statements <statements@localhost>"),
        "SMTP_HOST": os.environ.get("SMTP_HOST"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USER": os.environ.get("SMTP_USER"),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD"),
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS"),
        "SMTP_SSL": _flag("SMTP_SSL"),
        "MAIL_FILE_DIR": os.environ.get("MAIL_FILE_DIR", str(Path(instance_path) / "sent-mail")),
        "MAIL_SEND_IN_PROCESS": _flag("MAIL_SEND_IN_PROCESS"),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", env == "production"),
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", env == "production"),
        "LOG_LEVEL": _log_level(),
        #: how many proxies (nginx, Caddy) stand in front and set X-Forwarded-For and -Proto
        "TRUSTED_PROXIES": _whole_number("TRUSTED_PROXIES", 0),
        #: Strict-Transport-Security max-age sent on HTTPS requests; 0 sends none
        "HSTS_SECONDS": _whole_number("HSTS_SECONDS", 0),
    }
    return config


def finish_config(config: dict, instance_path: str) -> None:
    """Fill in derived settings and refuse unsafe production set-ups."""
    production = config.get("ENV_NAME") == "production"
    if production and config.get("DEBUG"):
        raise ConfigError("Refusing to start: debug mode is on in production. Unset FLASK_DEBUG.")
    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigError("Refusing to start: set SECRET_KEY to a long random value in production.")
        config["SECRET_KEY"] = _instance_secret_key(instance_path)
    key_bytes = len(str(config["SECRET_KEY"]).encode())
    if production and key_bytes < SECRET_KEY_MIN_BYTES:
        raise ConfigError(f"Refusing to start: SECRET_KEY is {key_bytes} bytes long; production needs at least "
                          f"{SECRET_KEY_MIN_BYTES}. Make one with: "
                          "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
    config.setdefault("PASSWORD_HASH_METHOD", "scrypt")
    config.setdefault("LOGIN_LIMIT_PER_ADDRESS", "30 per minute")  # every login from one address
    # failed logins only: per account from one address, and per account from everywhere (high, so that
    # many addresses are needed to reach it); a new password starts both counts again
    config.setdefault("LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "8 per 15 minutes")
    config.setdefault("LOGIN_LIMIT_PER_ACCOUNT", "50 per hour")
    #: a login (and its remember-me cookie) lasts this long at most, unless the person logs out first
    config.setdefault("LOGIN_DAYS", 30)
    config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=config["LOGIN_DAYS"]))
    config.setdefault("SIGNON_LIMIT_PER_ADDRESS", "10 per minute; 60 per hour")
    config.setdefault("SIGNON_MAIL_LIMIT_PER_ADDRESS", "5 per 10 minutes")
    config.setdefault("SIGNON_MIN_FILL_SECONDS", 3)
    # without Redis, counts are kept in each process's memory (statements.core.rate_limits)
    config.setdefault("RATELIMIT_STORAGE_URI", config.get("REDIS_URL") or f"{rate_limits.SCHEME}://")
    # Redis down: count in this process's memory until it is back, never answer 500 for a limit
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1}
                      if config["RATELIMIT_STORAGE_URI"].startswith("redis") else {})
    config.setdefault("RATELIMIT_HEADERS_ENABLED", False)  # see rate_limits.say_when_to_retry
    # rendering Markdown costs a bounded time per kilobyte; these bound how many kilobytes one person sends
    config.setdefault("PREVIEW_LIMIT_PER_PERSON", "60 per minute; 1000 per hour")
    config.setdefault("POSTING_LIMIT_PER_PERSON", "20 per minute; 200 per hour")
    # connections older than this are replaced when taken from the pool, before a server or firewall drops
    # them; a connection the database dropped anyway (a restart) fails one request, which makes the pool
    # replace every connection older than that failure. (A ping before every checkout would cost each
    # request one more round trip to the database.)
    engine_options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_recycle": 300})
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        # a database host that drops packets fails a connection after this long instead of holding
        # the request (and the health check) until the system's TCP timeout, minutes later
        engine_options.setdefault("connect_args", {}).setdefault("connect_timeout", 10)
    config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    # Flask's own defaults hold None for these two, which setdefault would keep
    for key, value in (("SESSION_COOKIE_SAMESITE", "Lax"), ("MAX_CONTENT_LENGTH", 4 * 1024 * 1024)):
        if config.get(key) is None:
            config[key] = value
