"""Load an object for the acting user: 404 for what they may not see, 403 for what they may not do."""

from functools import wraps

from flask import abort
from flask_login import current_user

from statements.core.policy import Permission, can
from statements.extensions import db, login_manager

#: the largest id an integer column holds on PostgreSQL: a larger one in an address names nothing
LARGEST_ID = 2**31 - 1


def load_for(model, object_id: int, permission: Permission, visible: Permission = Permission.GROUP_VIEW,
             options=()):
    """Return the object, or answer 404 when the user cannot see it and 403 when they cannot act on it.

    `options` are loader options for the object (its group joined, say, which deciding on it reads)."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    obj = db.session.get(model, object_id, options=options) if 0 < object_id <= LARGEST_ID else None
    if obj is None or not can(current_user, visible, obj):
        abort(404)
    if not can(current_user, permission, obj):
        abort(403)
    return obj


def require(permission: Permission):
    """Let a view run only for users holding a network-wide permission."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
