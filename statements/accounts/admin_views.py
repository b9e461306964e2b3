"""Network staff pages: invitations, member organizations, accounts and the outbox."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from statements.accounts import bp, services
from statements.accounts.forms import InvitationForm, OrganizationForm
from statements.accounts.models import Invitation, Organization, User, WorkingGroup
from statements.core.db import paginate, utcnow
from statements.core.errors import Conflict, InvalidInput, NotFound
from statements.core.forms import add_error, choices
from statements.core.loaders import require
from statements.core.policy import Permission, Role
from statements.extensions import db
from statements.mail import services as mail


def _invitation_form() -> InvitationForm:
    form = InvitationForm()
    groups = db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.name)).all()
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    form.group_id.choices = choices([(0, _("No group"))] + [(g.id, g.name) for g in groups])
    form.organization_id.choices = choices([(0, _("None"))] + [(o.id, o.name) for o in organizations])
    preselected = request.args.get("group", type=int)  # None for anything int() refuses, such as "²"
    if request.method == "GET" and preselected:
        form.group_id.data = preselected
    return form


@bp.route("/admin/invitations", methods=["GET", "POST"])
@require(Permission.INVITATION_CREATE)
def invitations():
    form = _invitation_form()
    if form.validate_on_submit():
        group = db.session.get(WorkingGroup, form.group_id.data) if form.group_id.data else None
        organization = db.session.get(Organization, form.organization_id.data) if form.organization_id.data else None
        try:
            result = services.invite(current_user, form.email.data, group, Role(form.role.data), organization,
                                     form.make_admin.data)
        except InvalidInput as error:
            add_error(form, error)
        else:
            db.session.commit()
            if isinstance(result, Invitation):
                flash(_("Invitation sent to %(email)s. The link works for %(days)d days.", email=result.email,
                        days=services.INVITATION_DAYS), "success")
            else:
                flash(_("%(name)s already had an account and is now %(role)s in %(group)s.",
                        name=result.user.display_name, role=result.role_label.lower(), group=result.group.name),
                      "success")
            return redirect(url_for("accounts.invitations"))
    recent = db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(100)).all()
    return render_template("admin/invitations.html", form=form, invitations=recent), 400 if form.errors else 200


@bp.route("/admin/invitations/<int:invitation_id>/revoke", methods=["POST"])
@require(Permission.INVITATION_CREATE)
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound(_("That invitation does not exist."))
    services.revoke_invitation(current_user, invitation)
    db.session.commit()
    flash(_("The invitation for %(email)s no longer works.", email=invitation.email), "success")
    return redirect(url_for("accounts.invitations"))


@bp.route("/admin/organizations")
@require(Permission.ORGANIZATION_MANAGE)
def organizations():
    rows = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return render_template("admin/organizations.html", organizations=rows)


@bp.route("/admin/organizations/new", methods=["GET", "POST"], defaults={"organization_id": None})
@bp.route("/admin/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@require(Permission.ORGANIZATION_MANAGE)
def edit_organization(organization_id: int | None):
    organization = db.session.get(Organization, organization_id) if organization_id else None
    if organization_id and organization is None:
        raise NotFound(_("That organization does not exist."))
    form = OrganizationForm(obj=organization)
    if form.validate_on_submit():
        saved = services.save_organization(current_user, organization, name=form.name.data.strip(),
                                           country=form.country.data, org_type=form.org_type.data,
                                           website=form.website.data or None)
        db.session.commit()
        flash(_("%(name)s is saved.", name=saved.name), "success")
        return redirect(url_for("accounts.organizations"))
    return render_template("admin/organization_form.html", form=form,
                           organization=organization), 400 if form.errors else 200


@bp.route("/admin/users")
@require(Permission.USER_MANAGE)
def users():
    rows = db.session.scalars(select(User).order_by(User.display_name)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/admin/users/<int:user_id>/staff", methods=["POST"])
@require(Permission.USER_MANAGE)
def set_staff(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("That account does not exist."))
    make_admin = request.form.get("make_admin") == "1"
    services.set_admin(current_user, user, make_admin)
    db.session.commit()
    if make_admin:
        flash(_("%(name)s is now network staff.", name=user.display_name), "success")
    else:
        flash(_("%(name)s is no longer network staff.", name=user.display_name), "success")
    return redirect(url_for("accounts.users"))


# --- the outbox ---------------------------------------------------------------------------------------

MAIL_PAGE_SIZE = 50


def _mail_view() -> str:
    """The view of the outbox asked for (failing unless another one of the list is named)."""
    asked = request.values.get("show", "")
    return asked if asked in mail.OUTBOX_VIEWS else "failing"


@bp.route("/admin/mail")
@require(Permission.MAIL_MANAGE)
def mail_outbox():
    view = _mail_view()
    now = utcnow()
    return render_template("admin/mail.html", view=view, counts=mail.outbox_counts(now),
                           page=paginate(mail.outbox_query(view, now), MAIL_PAGE_SIZE), now=now,
                           plain_error=mail.plain_error, is_stuck=mail.is_stuck, shown_subject=mail.shown_subject,
                           may_send_after_all=mail.may_send_after_all,
                           max_attempts=mail.MAX_ATTEMPTS)


def _change_mail(change, message_id: int, done):
    """Retry or discard one email, say how it went, and come back to the list it was on."""
    try:
        message = change(current_user, message_id)
        db.session.commit()
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done(message), "success")
    return redirect(url_for("accounts.mail_outbox", show=_mail_view()))


@bp.route("/admin/mail/<int:message_id>/retry", methods=["POST"])
@require(Permission.MAIL_MANAGE)
def retry_mail(message_id: int):
    return _change_mail(mail.retry_message, message_id, lambda message: _(
        "The email to %(address)s is back in the outbox and is tried again now.", address=message.to_address))


@bp.route("/admin/mail/<int:message_id>/send-after-all", methods=["POST"])
@require(Permission.MAIL_MANAGE)
def send_mail_after_all(message_id: int):
    return _change_mail(mail.send_after_all, message_id, lambda message: _(
        "The email to %(address)s is back in the outbox: it will be sent.", address=message.to_address))


@bp.route("/admin/mail/<int:message_id>/discard", methods=["POST"])
@require(Permission.MAIL_MANAGE)
def discard_mail(message_id: int):
    return _change_mail(mail.discard_message, message_id, lambda message: _(
        "The email to %(address)s is discarded: it will not be sent.", address=message.to_address))
