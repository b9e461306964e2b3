"""A working group's talking points."""

from flask import Blueprint

bp = Blueprint("talking_points", __name__)

from statements.talking_points import views  # noqa: E402,F401  (routes register on bp)
