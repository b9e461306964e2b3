"""Organizational sign-ons: the public form, confirmation, moderation, lists and open data."""

from flask import Blueprint

bp = Blueprint("signons", __name__)

from statements.signons import api, campaign_views, paper_views, staff_views, views  # noqa: E402,F401  (routes register on bp)
