"""Working groups and their members."""

from functools import cache

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from statements.accounts import bp, services
from statements.accounts.forms import AddMemberForm, GroupForm, RoleForm
from statements.accounts.models import Membership, User, WorkingGroup
from statements.core.errors import InvalidInput
from statements.core.forms import add_error
from statements.core.loaders import load_for, require
from statements.core.policy import Permission, Role, can
from statements.drafts.services import statements_of
from statements.extensions import db


@bp.route("/groups")
@login_required
def groups():
    all_groups = db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.name)).all()
    visible = [group for group in all_groups if can(current_user, Permission.GROUP_VIEW, group)]
    return render_template("accounts/groups.html", groups=visible)


@bp.route("/groups/new", methods=["GET", "POST"])
@require(Permission.GROUP_CREATE)
def new_group():
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = services.create_group(current_user, form.name.data, form.description.data or "")
        except InvalidInput as error:
            add_error(form, error)
        else:
            db.session.commit()
            flash(_("Working group %(name)s is open. Invite its coordinator next.", name=group.name), "success")
            return redirect(url_for("accounts.group", group_id=group.id))
    return render_template("accounts/group_new.html", form=form), 400 if form.errors else 200


@bp.route("/groups/<int:group_id>")
def group(group_id: int):
    group = load_for(WorkingGroup, group_id, Permission.GROUP_VIEW)
    return render_template("accounts/group.html", group=group, members=_members(group), role_form=RoleForm(),
                           add_form=AddMemberForm(), statements=statements_of(group))


def _members(group: WorkingGroup) -> list[Membership]:
    """The group's memberships with their people and organizations, in one query, coordinators first."""
    memberships = db.session.scalars(_members_query(), {"group": group.id}).all()
    return sorted(memberships, key=lambda m: (list(Role).index(Role(m.role)), m.user.display_name.lower()))


@cache
def _members_query():
    return (select(Membership).where(Membership.group_id == bindparam("group"))
            .options(joinedload(Membership.user).joinedload(User.organization)))


def _membership_in(group_id: int, membership_id: int) -> Membership:
    membership = load_for(Membership, membership_id, Permission.GROUP_MANAGE_MEMBERS)
    if membership.group_id != group_id:
        abort(404)
    return membership


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
def add_member(group_id: int):
    group = load_for(WorkingGroup, group_id, Permission.GROUP_MANAGE_MEMBERS)
    form = AddMemberForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is None:
            form.email.errors.append(_("No account uses this address. Ask network staff to invite them instead."))
        else:
            services.add_member(current_user, user, group, Role(form.role.data))
            db.session.commit()
            flash(_("%(name)s is now %(role)s in %(group)s.", name=user.display_name,
                    role=Role(form.role.data).label.lower(), group=group.name), "success")
            return redirect(url_for("accounts.group", group_id=group.id))
    return render_template("accounts/group.html", group=group, members=_members(group), role_form=RoleForm(),
                           add_form=form, statements=statements_of(group)), 400


@bp.route("/groups/<int:group_id>/members/<int:membership_id>/role", methods=["POST"])
def change_role(group_id: int, membership_id: int):
    membership = _membership_in(group_id, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles in the list."), "error")
        return redirect(url_for("accounts.group", group_id=group_id))
    services.change_role(current_user, membership, Role(form.role.data))
    db.session.commit()
    flash(_("%(name)s is now %(role)s in %(group)s.", name=membership.user.display_name,
                role=membership.role_label.lower(), group=membership.group.name), "success")
    return redirect(url_for("accounts.group", group_id=group_id))


@bp.route("/groups/<int:group_id>/members/<int:membership_id>/remove", methods=["POST"])
def remove_member(group_id: int, membership_id: int):
    membership = _membership_in(group_id, membership_id)
    name = membership.user.display_name
    services.remove_member(current_user, membership)
    db.session.commit()
    flash(_("%(name)s is no longer in this group.", name=name), "success")
    return redirect(url_for("accounts.group", group_id=group_id))
