"""Statements in several languages: translations kept in step with their source, paragraph by paragraph."""

from flask import Blueprint

bp = Blueprint("translating", __name__)

from statements.translating import views  # noqa: E402,F401  (routes register on bp)
