"""Signing in and out, invitations, passwords and account settings."""

import math

from flask import current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_language
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from statements.accounts import bp
from statements.accounts import services
from statements.accounts.models import Organization
from statements.accounts.forms import (
    AcceptInvitationForm, ChangeEmailForm, ChangePasswordForm, ForgotPasswordForm, LanguageForm, LoginForm,
    ProfileForm, ResetPasswordForm,
)
from statements.core.errors import InvalidInput, InvalidToken
from statements.core.forms import add_error
from statements.core.collation import sorted_in
from statements.core.i18n import CHOSEN_KEY, current_language
from statements.core.timezones import UTC, reader_zone
from statements.core.urls import safe_next_url
from statements.extensions import db, limiter


def _login_account() -> str:
    """The account a login form names, as its failed logins are counted (looked up once a request)."""
    if "login_account" not in g:
        email = request.form.get("email", "")
        try:
            g.login_account = services.login_limit_key(email)
        except SQLAlchemyError:
            # the database is out of reach: count by the address typed, and let the view answer 503;
            # raising here would make the rate limiter take its own storage for dead
            db.session.rollback()
            g.login_account = services.normalize_email(email)[:254]
    return g.login_account


def _login_account_key() -> str:
    """Rate-limit key: the account tried, from anywhere (slow guessing from many addresses)."""
    return "login:" + _login_account()


def _login_account_and_address_key() -> str:
    """Rate-limit key: the account tried from this address (an attacker's address cannot lock the owner out)."""
    return "login:" + _login_account() + ":" + (request.remote_addr or "-")


def _login_refused(response) -> bool:
    """Count a login against the limits only when it was refused (wrong password, bad form)."""
    return response.status_code == 400


def _too_many_failed_logins(limit: RequestLimit):
    """Show the login form again, saying how long to wait and that a password reset ends the wait."""
    minutes = math.ceil(limit.limit.get_expiry() / 60)
    form = LoginForm()
    form.form_errors.append(_("Too many failed logins for this account. Wait %(minutes)d minutes and try again, "
                              "or reset your password by email (Forgot your password? below): you can log in "
                              "with a new password at once.", minutes=minutes))
    return make_response(render_template("accounts/login.html", form=form), 429)


def _renew_csrf_secret() -> None:
    """Replace the CSRF secret at login, so a form token taken before login is refused after it."""
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    generate_csrf()  # in the cookie set by the login answer, so pages after it do not each set a new one


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    # attention and translating build on accounts
    from statements.attention.todo import Kind, todo_items
    from statements.translating.services import invited_translations

    services.load_groups_of(current_user)
    memberships = sorted_in(current_user.memberships, current_language(), lambda m: m.group.name)
    return render_template("accounts/home.html", memberships=memberships, todo_kinds=Kind,
                           todo=todo_items(current_user, reader_zone()),
                           translations=invited_translations(current_user))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"], methods=["POST"],
               key_func=_login_account_and_address_key, deduct_when=_login_refused,
               on_breach=_too_many_failed_logins)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_login_account_key,
               deduct_when=_login_refused, on_breach=_too_many_failed_logins)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.log_in(form.email.data, form.password.data)
        except InvalidInput as error:
            add_error(form, error)
        else:
            db.session.commit()
            _renew_csrf_secret()
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("accounts.home"))
    return render_template("accounts/login.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.log_out(current_user)
        db.session.commit()
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    services.log_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out on every device, this one included."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses that address, we have sent it a link to reset the password. "
                "It works for one hour. Check your spam folder if it does not arrive."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    user = services.user_from_reset_token(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        db.session.commit()
        flash(_("Your password is changed. Log in with it now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invitation(token: str):
    invitation = services.invitation_from_token(token)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = services.accept_invitation(invitation, form.display_name.data, form.password.data)
        try:
            db.session.commit()
        except IntegrityError:  # the same form sent twice at once: the first one made the account
            db.session.rollback()
            raise InvalidToken(_("This invitation has already been used. Log in with the email it was sent to.")) \
                from None
        logout_user()
        _renew_csrf_secret()
        login_user(user)
        flash(_("Welcome, %(name)s. Your account is ready.", name=user.display_name), "success")
        if invitation.group_id:
            return redirect(url_for("accounts.group", group_id=invitation.group_id))
        if invitation.statement_id and invitation.language:
            return redirect(url_for("translating.start", statement_id=invitation.statement_id,
                                    language=invitation.language))
        return redirect(url_for("accounts.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


def _profile_form(formdata=None) -> ProfileForm:
    form = ProfileForm(prefix="me", formdata=formdata, data={
        "display_name": current_user.display_name, "organization_id": current_user.organization_id,
        "time_zone": current_user.time_zone or UTC})
    form.organization_id.choices = [("", _("None"))] + [
        (str(o.id), o.name) for o in sorted_in(db.session.scalars(select(Organization)), current_language(),
                                               lambda o: o.name)]
    return form


def _account_page(password_form=None, email_form=None, language_form=None, profile_form=None):
    """The account page with its forms: the one sent keeps what was typed, the others start afresh."""
    return render_template(
        "accounts/account.html", profile_form=profile_form or _profile_form(),
        password_form=password_form or ChangePasswordForm(prefix="pw", formdata=None),
        email_form=email_form or ChangeEmailForm(prefix="em", formdata=None),
        language_form=language_form or LanguageForm(prefix="lang", formdata=None,
                                                    data={"language": current_user.language or ""}),
    )


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return _account_page()


@bp.route("/account/details", methods=["POST"])
@login_required
def change_details():
    form = _profile_form(request.form)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, form.display_name.data, form.organization_id.data,
                                    form.time_zone.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("Your details are saved."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(profile_form=form), 400


@bp.route("/account/language", methods=["POST"])
@login_required
def change_language():
    form = LanguageForm(prefix="lang")
    if not form.validate_on_submit():
        return _account_page(language_form=form), 400
    language = form.language.data or None
    services.set_language(current_user, language)
    db.session.commit()
    if language:  # kept after logging out too, as the switcher does
        session[CHOSEN_KEY] = language
    else:
        session.pop(CHOSEN_KEY, None)
    refresh_language()  # say it in the language just chosen
    flash(_("Your language is saved: pages and emails to you use it from now on."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except InvalidInput as error:
            add_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password is changed. Other devices where you were logged in are now logged out."),
                  "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form), 400


@bp.route("/account/email", methods=["POST"])
@login_required
def change_email():
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.password.data, form.email.data)
        except InvalidInput as error:
            add_error(form, error)
        else:
            db.session.commit()
            flash(_("We sent a link to %(email)s. Your email changes when you follow it. "
                    "We also told your current address, with a way to cancel.", email=form.email.data), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(email_form=form), 400


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    if request.method == "GET":
        # a page with a button: mail scanners that follow links must not use the token up
        return render_template("accounts/confirm_email.html", token=token)
    user = services.confirm_email_change(token)
    db.session.commit()
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))


@bp.route("/account/email/cancel/<token>", methods=["GET", "POST"])
def cancel_email_change(token: str):
    if request.method == "GET":
        # a page with a button: mail scanners that follow links must not cancel anything
        return render_template("accounts/cancel_email_change.html", change=services.email_change_to_cancel(token))
    change = services.cancel_email_change(token)
    db.session.commit()
    if change.confirmed_at is None:
        flash(_("The change to %(new)s is cancelled: your account keeps %(old)s. If you did not ask for it, "
                "reset your password now: whoever asked knows it.", new=change.new_email, old=change.old_email),
              "success")
        return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))
    logout_user()  # every device was logged out, this one too
    flash(_("The change is undone: your account uses %(email)s again, and every device is logged out. "
            "Reset your password now: whoever made the change knows it.", email=change.old_email), "success")
    return redirect(url_for("accounts.forgot_password"))
