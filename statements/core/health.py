"""GET /health: whether this process can reach its database, and Redis when one is configured.

For load balancers and monitors: no login, no rate limit, never cached. A failure answers 503 and
names the part that failed; why it failed goes to the log only, since error texts can carry
addresses and settings.
"""

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from statements.core.jobs import redis_connection
from statements.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger("statements.health")

OK, UNAVAILABLE, NOT_CONFIGURED = "ok", "unavailable", "not configured"


def database_status() -> str:
    """Run a trivial query on the database."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # whatever the driver raises, the answer is the same
        log.warning("Health check: the database did not answer: %s", error)
        return UNAVAILABLE
    return OK


def redis_status() -> str:
    """PING Redis when REDIS_URL is set."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return NOT_CONFIGURED
    try:
        # the web side's client, quick to give up: a monitor hears "unavailable" rather than a timeout
        redis_connection(url).ping()
    except Exception as error:
        log.warning("Health check: Redis did not answer: %s", error)
        return UNAVAILABLE
    return OK


@bp.get("/health")
@limiter.exempt
def health():
    parts = {"database": database_status(), "redis": redis_status()}
    healthy = UNAVAILABLE not in parts.values()
    response = jsonify({"status": OK if healthy else UNAVAILABLE, **parts})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
