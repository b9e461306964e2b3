"""The audit log of changes of consequence."""

from flask import Blueprint

bp = Blueprint("audit", __name__)

from statements.audit import views  # noqa: E402,F401  (routes register on bp)
