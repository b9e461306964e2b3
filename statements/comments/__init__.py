"""Comment threads on statements, anchored to passages."""

from flask import Blueprint

bp = Blueprint("comments", __name__)

from statements.comments import views  # noqa: E402,F401  (routes register on bp)
