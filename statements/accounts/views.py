"""Signing in and out, invitations, passwords and account settings."""

import math

from flask import current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from statements.accounts import bp
from statements.accounts import services
from statements.accounts.forms import (
    AcceptInvitationForm, ChangeEmailForm, ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm,
)
from statements.core.errors import InvalidInput, InvalidToken
from statements.core.forms import add_error
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
    form.form_errors.append(f"Too many failed logins for this account. Wait {minutes} minutes and try again, or "
                            "reset your password by email (Forgot your password? below): you can log in with "
                            "a new password at once.")
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
    memberships = sorted(current_user.memberships, key=lambda m: m.group.name.lower())
    return render_template("accounts/home.html", memberships=memberships)


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
            flash(f"Welcome, {user.display_name}.", "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("accounts.home"))
    return render_template("accounts/login.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.log_out(current_user)
        db.session.commit()
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    services.log_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    flash("You are logged out on every device, this one included.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash("If an account uses that address, we have sent it a link to reset the password. "
              "It works for one hour. Check your spam folder if it does not arrive.", "success")
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
        flash("Your password is changed. Log in with it now.", "success")
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
            raise InvalidToken("This invitation has already been used. Log in with the email it was sent to.") \
                from None
        logout_user()
        _renew_csrf_secret()
        login_user(user)
        flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
        if invitation.group_id:
            return redirect(url_for("accounts.group", group_id=invitation.group_id))
        return redirect(url_for("accounts.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return render_template("accounts/account.html", password_form=ChangePasswordForm(prefix="pw"),
                           email_form=ChangeEmailForm(prefix="em"))


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
            flash("Your password is changed. Other devices where you were logged in are now logged out.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", password_form=form, email_form=ChangeEmailForm(prefix="em",
                           formdata=None)), 400


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
            flash(f"We sent a link to {form.email.data}. Your email changes when you follow it. "
                  "We also told your current address, with a way to cancel.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", email_form=form,
                           password_form=ChangePasswordForm(prefix="pw", formdata=None)), 400


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    if request.method == "GET":
        # a page with a button: mail scanners that follow links must not use the token up
        return render_template("accounts/confirm_email.html", token=token)
    user = services.confirm_email_change(token)
    db.session.commit()
    flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))


@bp.route("/account/email/cancel/<token>", methods=["GET", "POST"])
def cancel_email_change(token: str):
    if request.method == "GET":
        # a page with a button: mail scanners that follow links must not cancel anything
        return render_template("accounts/cancel_email_change.html", change=services.email_change_to_cancel(token))
    change = services.cancel_email_change(token)
    db.session.commit()
    if change.confirmed_at is None:
        flash(f"The change to {change.new_email} is cancelled: your account keeps {change.old_email}. "
              "If you did not ask for it, reset your password now: whoever asked knows it.", "success")
        return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))
    logout_user()  # every device was logged out, this one too
    flash(f"The change is undone: your account uses {change.old_email} again, and every device is logged out. "
          "Reset your password now: whoever made the change knows it.", "success")
    return redirect(url_for("accounts.forgot_password"))
