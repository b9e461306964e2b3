"""Command-line tasks: thin wrappers over services."""

import time

import click
from flask import Flask, current_app
from flask_babel import gettext as _, ngettext
from flask.cli import AppGroup
from redis.exceptions import RedisError

from statements.accounts import services as accounts
from statements.core.errors import DomainError
from statements.extensions import db
from statements.mail.services import deliver_pending
from statements.mail.transports import transport_from_config
from statements.operations.commands import data_command


def register_cli(app: Flask) -> None:
    """Attach the project's commands to the flask command."""
    app.cli.add_command(data_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(mail_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(notifications_command)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Your name")
@click.password_option()
def create_admin_command(email: str, display_name: str, password: str) -> None:
    """Create the first network staff account."""
    try:
        user = accounts.create_admin(email, display_name, password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(_("Staff account %(email)s created. Log in at %(address)s", email=user.email,
                 address=f"{current_app.config['BASE_URL']}/login"))


@click.command("demo")
def demo_command() -> None:
    """Load demo data: a working group with members of each role, and organizations."""
    from statements.demo import DEMO_PASSWORD, DEMO_PEOPLE, load_demo

    created = load_demo()
    db.session.commit()

    base = current_app.config["BASE_URL"]
    click.echo(_("Demo data is ready.") if created else _("Demo data was already loaded."))
    click.echo(_("Open %(address)s and log in with any of these (password: %(password)s):",
                 address=f"{base}/login", password=DEMO_PASSWORD))
    for email, name, role in DEMO_PEOPLE:
        click.echo(f"  {email:<32} {name:<22} {role}")
    click.echo(_("Mail the service sends goes to %(destination)s.",
                 destination=transport_from_config(current_app.config).describe()))


@click.group("mail", cls=AppGroup)
def mail_command() -> None:
    """Deliver the outbox."""


@mail_command.command("send")
@click.option("--loop", is_flag=True, help="Keep delivering every few seconds until stopped.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds with --loop.")
def send_mail_command(loop: bool, interval: float) -> None:
    """Send pending mail now (retrying failed deliveries when their time comes)."""
    while True:
        counts = deliver_pending()
        click.echo(_("sent %(sent)s, failed %(failed)s", sent=counts["sent"], failed=counts["failed"]))
        if not loop:
            return
        time.sleep(interval)


@click.group("notifications", cls=AppGroup)
def notifications_command() -> None:
    """Send the daily digests and the reminders that are due."""


@notifications_command.command("digest")
def digest_command() -> None:
    """Queue one digest mail for each person with something new since their last digest (run once a day)."""
    from statements.notifications.services import send_digests

    count = send_digests()
    click.echo(ngettext("%(num)d digest queued", "%(num)d digests queued", count))


@notifications_command.command("tick")
def tick_command() -> None:
    """Send due reminders once each and end comment periods whose date has passed (run every few minutes)."""
    from statements.notifications.services import tick

    done = tick()
    db.session.commit()
    click.echo(_("reminders of comment periods ending: %(ending)s; comment periods closed: %(closed)s; "
                 "coordinators told a period ended: %(ended)s; sign-on deadline reminders: %(near)s; "
                 "sign-ons closed: %(signon)s", ending=done["period_ending"], closed=done["period_closed"],
                 ended=done["period_ended"], near=done["deadline_near"], signon=done["signon_closed"]))
    click.echo(_("reminders of consent rounds ending: %(count)s; coordinators told a consent round ended: "
                 "%(ended)s", count=done["consent_ending"], ended=done["consent_ended"]))


@click.command("worker")
@click.option("--mail-interval", default=30.0, show_default=True,
              help="Seconds between rounds of delivering due mail (retries); 0 to leave it to `mail send --loop`.")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, deliver due mail once, and stop.")
def worker_command(mail_interval: float, burst: bool) -> None:
    """Run background jobs from Redis (exports, mail) and deliver the outbox every so often."""
    from statements.core import jobs
    from statements.mail.services import start_background_sender

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(_("Set REDIS_URL to run a worker. Without Redis, exports are made in the web "
                                     "process and `flask mail send --loop` delivers mail."))
    # the sender does not need Redis: mail keeps going out while the worker waits for Redis to return
    if mail_interval > 0 and not burst and "statements.mail_stop" not in app.extensions:
        start_background_sender(app, mail_interval)
    try:
        jobs.work(app, burst)
    except RedisError as error:  # only with --burst: otherwise it waits for Redis
        raise click.ClickException(_("Redis cannot be reached: %(error)s", error=error)) from None
    if burst:
        counts = deliver_pending()
        click.echo(_("sent %(sent)s, failed %(failed)s", sent=counts["sent"], failed=counts["failed"]))
