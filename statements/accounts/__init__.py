"""Accounts: people, member organizations, working groups, memberships and invitations."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from statements.accounts import admin_views, group_views, views  # noqa: E402,F401  (routes register on bp)
