"""Public pages: read the final text, sign on, confirm, withdraw, and see who signed."""

import secrets
import threading
import time
from dataclasses import dataclass
from functools import cache, partial
from itertools import chain

from flask import (abort, current_app, flash, has_app_context, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession
from wtforms import SelectField

from statements.core.db import in_session_transaction, paginate, paginate_ids, requested_page, utcnow
from statements.core.errors import InvalidInput, InvalidToken, render_error
from statements.core.forms import add_error
from statements.core.collation import sort_key
from statements.core.countries import ENGLISH, country_name
from statements.core.i18n import current_language, set_page_language
from statements.core import rate_limits
from statements.core.page_cache import PageCache
from statements.core.signing import QuickSerializer
from statements.core.urls import external_url
from statements.drafts import services as drafts
from statements.drafts.models import SLUG_MAX, State, Statement
from statements.extensions import db, limiter
from statements.signons import bp, campaign, charts, services, versions
from statements.signons.forms import CodeForm, ResendForm, SignOnForm
from statements.signons.models import SignOn, SignOnStatus
from statements.signons.recent_pages import answered_with_page
from statements.signons.recent_signing import SIGNER_ADDRESS, accepted_signon_here, address_kept_for

PUBLIC_STATES = versions.PUBLIC_STATES
LIST_PAGE_SIZE = 500
_PAGES_KEY = services.PUBLIC_PAGES_KEY


def public_pages(app=None) -> PageCache:
    """The public pages as anonymous visitors see them, kept by this app (one app, one database)."""
    return _page_cache(_PAGES_KEY, app)


def signatory_pages(app=None) -> PageCache:
    """The pages of the lists of signatories as anonymous visitors see them, kept by this app."""
    return _page_cache(services.SIGNATORY_PAGES_KEY, app)


def _page_cache(key: str, app=None) -> PageCache:
    extensions = (app or current_app).extensions
    if key not in extensions:
        extensions[key] = PageCache()
    return extensions[key]


#: built once: the public pages ask it on every request, and building it cost as much as running it
_STATEMENT_BY_SLUG = select(Statement).where(Statement.slug == bindparam("slug"))


def load_public_version(slug: str) -> tuple[Statement, Statement]:
    """A statement the public may read (sign-on open or closed, or published), and the version of it at this
    address: the statement itself, or a translation of it made final in step with it. Anything else is 404,
    the same answer as for an address nobody has."""
    # (an address longer than any slug is nobody's: cut short, it would name one, and be remembered as another)
    found = db.session.scalar(_STATEMENT_BY_SLUG, {"slug": slug}) if len(slug) <= SLUG_MAX else None
    if found is None or not versions.is_public_version(found):
        abort(404)
    source = found.source if found.source_id is not None else found
    set_page_language(found.language)  # an anonymous reader gets the interface in the version's language
    if services.close_if_past_deadline(source):
        db.session.commit()
    return source, found


def load_public(slug: str) -> Statement:
    """A statement the public may read at its own address (not a translation's): sign-on open or closed, or
    published; else 404."""
    statement, version = load_public_version(slug)
    if version is not statement:
        abort(404)
    return statement


def in_signers_language(source: Statement, version: Statement, signon: SignOn) -> Statement:
    """A page for one signatory, opened at the statement's own address (as the links in their mail are),
    shows the public version in the language they signed in, if there is one, and speaks its language."""
    if version is not source or not signon.language or signon.language == source.language:
        return version
    theirs = versions.public_version_in(source, signon.language)
    if theirs is None:
        return version
    set_page_language(theirs.language)
    refresh()  # the interface language may have been read already, for the statement's language
    return theirs


def alternates(public_versions: list[Statement], endpoint: str) -> list[tuple[str, str]]:
    """(hreflang, absolute address) of a page in every public version, and x-default for the source's; none
    for a statement in one language."""
    if len(public_versions) < 2:
        return []
    links = [(v.language, external_url(endpoint, slug=v.slug)) for v in public_versions]
    return links + [("x-default", links[0][1])]


@cache
def started_serializer(secret_key: str) -> URLSafeTimedSerializer:
    """What signs the time the sign-on form was shown, in the form itself (made once per secret key)."""
    return QuickSerializer(secret_key, salt="signon-form-started")


def _started_serializer() -> URLSafeTimedSerializer:
    return started_serializer(current_app.config["SECRET_KEY"])


def _started_at(form: SignOnForm) -> float | None:
    """When the form was first shown, as signed in it; None when the value is missing, forged or stale."""
    try:
        return float(_started_serializer().loads(form.started.data or "", max_age=24 * 3600))
    except (BadSignature, TypeError, ValueError):
        return None


def _filled_too_fast(started: float | None) -> bool:
    """A person needs some seconds to fill a form shown at `started` (None: unknown); a bot sending it at once
    does not."""
    minimum = current_app.config["SIGNON_MIN_FILL_SECONDS"]
    if started is None:
        return minimum > 0
    return time.time() - started < minimum


def _started_value() -> str:
    return _started_serializer().dumps(time.time())


def _render_public(statement: Statement, version: Statement, form: SignOnForm | None = None, status: int = 200,
                   started: str | None = None, via: str | None = None):
    """The statement's page in one of its versions: that version's final text, the source's sign-on; `via`, the
    token of the partner link the visitor came by, goes with the form."""
    form = form or SignOnForm()
    form.started.data = started or _started_value()
    if via is not None:
        form.via.data = via
    via = campaign.clean_token(form.via.data)
    final = version.final_revision
    public_versions = versions.public_versions(statement)
    return render_template("signons/public.html", statement=statement, version=version,
                           versions=versions.version_links(public_versions),
                           alternates=alternates(public_versions, "signons.public"), form=form,
                           counts=services.counts(statement), text=drafts.revision_text(final), final=final,
                           resend_form=ResendForm(prefix="resend"), is_open=statement.state == State.SIGNON_OPEN,
                           published_on=drafts.published_on(statement),
                           last_correction=next(iter(drafts.corrections_of(statement)), None),
                           share_url=external_url("signons.public", slug=version.slug),
                           # the language switcher comes back with the partner's token only to who came with it
                           language_next=url_for("signons.public", slug=version.slug, via=via or None)), status


def _network_look():
    from statements.export.services import network_look  # (export builds on sign-on)

    return network_look()


def _public_page_key(statement: Statement, version: Statement | None = None) -> tuple:
    """Everything the public page of a version shows that can change, so that any change makes a new page."""
    counts = services.counts(statement)
    version = version or statement
    # (revisions are never deleted, so a final revision's id always means the same text)
    return (statement.id, statement.slug, statement.state, statement.final_revision_id, statement.title,
            statement.summary, statement.language, statement.signon_deadline, statement.signon_timezone,
            statement.signon_requires_approval, statement.signon_closing_message,
            counts["total"], tuple(counts["by_country"]),
            version.id, version.final_revision_id, versions.versions_key(statement), _network_look())


def recent_page_seconds() -> float:
    """How long a worker serves a public page again without reading the database: as long as it keeps the
    counts the page shows (a change made through this worker is shown at once; one made through another, this
    late)."""
    return services.COUNT_CACHE_SECONDS


@bp.route("/s/<slug>")
def public(slug: str):
    # a partner link's token, as given: whether it is one is not said here (sign looks it up)
    via = campaign.clean_token(request.args.get("via"))
    personal = current_user.is_authenticated or session.get("_flashes")  # a page for this person alone
    if not personal:
        page = _recent_public_page(slug, via)
        if page is not None:
            return page
    statement, version = load_public_version(slug)
    if personal:
        return _render_public(statement, version, via=via)
    # the page most visitors get, during a burst of signing: made once, with each visitor's own
    # CSRF token, start time and partner token swapped in
    values = {"csrf": generate_csrf(), "started": _started_value(), "via": via}

    def render():
        made_with = {**values, "via": "via-" + secrets.token_hex(16)}  # never the first visitor's own token
        return _render_public(statement, version, started=values["started"], via=made_with["via"])[0], made_with

    pages = public_pages()
    page = pages.page((version.id, current_language()), _public_page_key(statement, version), values, render)
    found = {"version": version.id, "language": version.language, "deadline": statement.signon_deadline,
             # what signing from this page needs (`sign`)
             "statement": statement.id, "revision": statement.final_revision_id, "source_slug": statement.slug,
             "open": statement.state == State.SIGNON_OPEN}
    pages.remember_address(slug, found)
    answered_with_page(found)  # (the next first visits within seconds get this answer without Flask)
    return page


#: tables of what the public pages show, besides counts (whose changes forget the pages through `services`) and
#: sign-ons (an existing one changed or removed may change them; a new one is not counted before it is approved)
_SHOWN_ON_PUBLIC_PAGES = frozenset({"statement", "translated_paragraph", "network_settings"})


def _shown_on_public_pages(table: str | None, new: bool = False) -> bool:
    return table in _SHOWN_ON_PUBLIC_PAGES or (table == SignOn.__tablename__ and not new)


@event.listens_for(OrmSession, "before_flush")
def _note_changes_to_public_pages(session, flush_context, instances) -> None:
    if any(_shown_on_public_pages(getattr(thing, "__tablename__", None), new=True) for thing in session.new) or \
            any(_shown_on_public_pages(getattr(thing, "__tablename__", None))
                for thing in chain(session.dirty, session.deleted)):
        session.info[services.PUBLIC_PAGES_CHANGED] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _note_bulk_changes_to_public_pages(state) -> None:
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and _shown_on_public_pages(state.bind_mapper.local_table.name):
        state.session.info[services.PUBLIC_PAGES_CHANGED] = True


@event.listens_for(OrmSession, "after_commit")
def _forget_recent_public_pages(session) -> None:
    """A change committed through this process shows on its public pages at once."""
    if session.info.pop(services.PUBLIC_PAGES_CHANGED, False) and has_app_context():
        public_pages().forget_recent()
        signatory_pages().forget_recent()


def before_deadline(found: dict | None) -> bool:
    """Whether a remembered address may be answered from memory: it was found, and its sign-on deadline, if any,
    has not passed (once it has, the next look at the database closes sign-on)."""
    return found is not None and (found["deadline"] is None or utcnow() < found["deadline"])


def _recent_public_page(slug: str, via: str | None) -> str | None:
    """The public page at this address as made or checked against the database in the last few seconds,
    with this visitor's values, without reading the database; None when there is none so recent."""
    pages = public_pages()
    found = pages.recent_address(slug, recent_page_seconds())
    if not before_deadline(found):
        return None  # (past its deadline, sign-on closes on the next look at the database)
    set_page_language(found["language"])
    values = {"csrf": generate_csrf(), "started": _started_value(), "via": via}
    page = pages.recent_page((found["version"], current_language()), recent_page_seconds(), values)
    if page is not None:
        answered_with_page(found)
    return page


@bp.route("/s/<slug>/corrections")
def corrections(slug: str):
    """What was corrected in the published text, when and why, word by word."""
    from statements.drafts.diffing import count_words, rows

    statement, version = load_public_version(slug)
    changes = []
    for correction in drafts.corrections_of(statement):
        diff = drafts.word_diff(drafts.revision_text(correction.previous_revision),
                                drafts.revision_text(correction.revision))
        changes.append((correction, rows(diff.ops), *count_words(diff.ops)))
    return render_template("signons/corrections.html", statement=statement, version=version, changes=changes)


@bp.route("/s/<slug>/sign", methods=["POST"])
@limiter.limit(lambda: current_app.config["SIGNON_LIMIT_PER_ADDRESS"])
def sign(slug: str):
    """Sign the statement from any of its versions: one list of signatories, kept by the source.

    The statement of a page looked up in the last few seconds is not read again before the form is checked:
    the INSERT that stores the sign-on checks that it is still open at the revision the page showed, and
    when it is not, the statement is read and the form checked again against it."""
    found = _recent_open_address(slug)
    if found is None:
        return _sign_from_database(slug)
    set_page_language(found["language"])
    return _sign_form(slug, services.OpenStatement(found["statement"], found["revision"]), found["source_slug"]) \
        or _sign_from_database(slug)


def _recent_open_address(slug: str) -> dict | None:
    """What the public page at this address found in the last few seconds, if sign-on was open then."""
    found = public_pages().recent_address(slug, recent_page_seconds())
    return found if before_deadline(found) and found.get("open") else None


def _sign_from_database(slug: str, tries: int = 2):
    statement, version = load_public_version(slug)
    try:
        services.require_open(statement)
    except services.SignOnClosed as closed:  # it closed while the form was open: say so on the statement's page
        flash(closed.message, "error")
        return _render_public(statement, version, status=403)
    answer = _sign_form(slug, services.OpenStatement.of(statement), statement.slug, (statement, version))
    if answer is not None:
        return answer
    if tries > 1:  # it closed or changed as the sign-on was stored: look again
        return _sign_from_database(slug, tries - 1)
    # (changed again and again as it was signed: the signer reads it again, with their answers kept)
    form = SignOnForm()
    form.form_errors.append(_("The statement changed while your form was on its way, so it was not accepted. "
                              "Read the statement again and send the form once more."))
    return _render_public(statement, version, form, 409, started=form.started.data)


def _sign_form(slug: str, statement: services.OpenStatement, statement_slug: str,
               loaded: tuple[Statement, Statement] | None = None):
    """Check the form and store the sign-on; None, with nothing stored, when the statement was not open at that
    revision as it was stored. `loaded`: the statement and version at this address, if read already (a form
    refused is shown again on the page, which reads them)."""
    form = SignOnForm()
    # shown again after a refusal, the form keeps the time it was first shown: a second try is no faster
    # than the first, and is not taken for a bot's
    started_at = _started_at(form)
    started = form.started.data if started_at is not None else None
    if not _sent_by_a_person(form, started_at):
        form.validate()  # every other answer to change is said at once, beside its field
        form.form_errors.append(_("This form was sent within seconds of the page opening, so it was not accepted: "
                                  "that is how automated sign-ups are kept out. Your answers are kept; look them "
                                  "over and send it again."))
        return _render_public(*(loaded or load_public_version(slug)), form, 400, started=started)
    if form.validate_on_submit():
        try:
            if not store_signon(form, statement, current_language()):  # its mail speaks the page's language
                return None
        except InvalidInput as error:
            add_error(form, error)
        else:
            accepted_signon_here()
            return _to_check_email(statement_slug, slug, form.contact_email.data)
    return _render_public(*(loaded or load_public_version(slug)), form, 400, started=started)


def sent_by_a_person(form: SignOnForm) -> bool:
    """Whether a sign-on form left the honeypot empty and took a person's time to fill in."""
    return _sent_by_a_person(form, _started_at(form))


def _sent_by_a_person(form: SignOnForm, started_at: float | None) -> bool:
    return not form.nickname.data and not _filled_too_fast(started_at)


def store_signon(form: SignOnForm, statement: services.OpenStatement, language: str) -> bool:
    """Store the sign-on of a form checked already, in the language of its page, and commit; False, with nothing
    stored, when the statement was not open at that revision as it was stored (`InvalidInput` when the form
    asks for what cannot be stored)."""
    try:
        # the answer is the same whatever is stored: what differs goes by email to the address given
        services.sign(statement, form.data, language=language)
        if in_session_transaction():  # (else it was written, and committed, on a connection of its own)
            db.session.commit()
    except services.NotOpenAtRevision:
        db.session.rollback()
        return False
    except InvalidInput:
        db.session.rollback()
        raise
    return True


def take_recent_signon(found: dict, formdata, language: str, address: str) -> str | None:
    """Take a sign-on sent to an address found open in the last few seconds (`recent_signing`, in the app's
    context and the page's language): check it, count it against the sender's limit and store it as `sign`
    does; return the address the signer gave, for their session. None, with nothing stored, for any form the
    sign view would answer otherwise: it is then sent on to the view, which checks it again and says why."""
    form = _filled_signon_form(formdata, language)
    if not sent_by_a_person(form) or not form.validate() or not counted_within_limit(address):
        return None
    try:
        if not store_signon(form, services.OpenStatement(found["statement"], found["revision"]), language):
            return None
    except InvalidInput:
        return None
    return form.contact_email.data


#: each thread's sign-on forms, one per language, filled again for each sign-on taken without the framework
_signon_forms = threading.local()


def _filled_signon_form(formdata, language: str) -> SignOnForm:
    """A sign-on form filled with `formdata`, to check and read, never to show: made once per thread and
    language (making its fields costs more than checking them), then filled anew, which resets every field's
    value and errors. The middleware has checked the CSRF token already."""
    forms = _signon_forms.__dict__.setdefault("by_language", {})
    form = forms.get(language)
    if form is None:
        form = forms[language] = SignOnForm(formdata=formdata, meta={"csrf": False})
        for field in form:  # a form of one language has that language's options for good: WTForms would otherwise
            if isinstance(field, SelectField):  # call their function again for every sign-on, after inspecting it
                field.choices = field.choices  # (read once: the options, no longer their function)
            if not callable(field.default):  # WTForms calls a field's default on each filling, and catches the
                field.default = partial(_as_given, field.default)  # error of calling a plain value (None, mostly)
    else:
        form.process(formdata)
    return form


def _as_given(value):
    return value


#: the limit of `sign`, counted as Flask-Limiter counts the route's decorator: its storage, its key
_SIGN_ENDPOINT = "signons.sign"


def counted_within_limit(address: str) -> bool:
    """Count a sign-on from `address` against the sign view's own limit, under the key Flask-Limiter gives it;
    False when it is over, or the limiter's storage cannot be reached (the view then counts it again, with the
    limiter's fallback, and refuses it)."""
    if not limiter.enabled or not address:
        return True  # (Flask-Limiter skips a limit whose key is empty)
    key = [limiter._key_prefix] if limiter._key_prefix else []
    try:
        return rate_limits.hit_all(limiter.limiter, _limit_items(current_app.config["SIGNON_LIMIT_PER_ADDRESS"]),
                                   *key, address, _SIGN_ENDPOINT)
    except Exception:  # noqa: BLE001 (any failure of the storage: the view's own pass handles it)
        return False


@cache
def _limit_items(limits: str) -> list:
    return sorted(parse_many(limits))  # (in the order Flask-Limiter counts them, stopping at the first over)


def ask_to_check_email(statement: Statement, email: str, version: Statement | None = None):
    """Send the signer to the check-your-email page of the version they signed from, with the address they
    gave kept in their session."""
    return _to_check_email(statement.slug, (version or statement).slug, email)


def _to_check_email(statement_slug: str, version_slug: str, email: str):
    session[SIGNER_ADDRESS] = address_kept_for(statement_slug, email)
    return redirect(url_for("signons.check_email", slug=version_slug))


def check_email_page(statement: Statement, email: str = "", status: int = 200, version: Statement | None = None):
    """The check-your-email page: the same words whatever became of the sign-on, with the address given."""
    return render_template("signons/check_email.html", statement=statement, version=version or statement,
                           email=email[:254], resend_form=ResendForm(prefix="resend")), status


def signer_address(statement: Statement) -> str:
    """The address the signer gave on this statement's form, as kept in their session ("" if none)."""
    kept = session.get(SIGNER_ADDRESS)
    if not isinstance(kept, dict) or kept.get("slug") != statement.slug:
        return ""
    return str(kept.get("email") or "")


@bp.route("/s/<slug>/check-email")
def check_email(slug: str):
    statement, version = load_public_version(slug)
    return check_email_page(statement, signer_address(statement), version=version)


@bp.route("/s/<slug>/resend", methods=["POST"])
@limiter.limit(lambda: current_app.config["SIGNON_MAIL_LIMIT_PER_ADDRESS"])
def resend(slug: str):
    statement, version = load_public_version(slug)
    form = ResendForm(prefix="resend")
    if form.validate_on_submit():
        services.resend_confirmation(statement, form.contact_email.data)
        db.session.commit()
        flash(_("If a signature from that address is waiting for confirmation, we sent a new link and code to it. "
                "Earlier links no longer work."), "success")
        return ask_to_check_email(statement, form.contact_email.data, version)
    flash(_("Enter the email address you signed with, like name@example.org."), "error")
    return redirect(url_for("signons.public", slug=version.slug) + "#resend")


@bp.route("/s/<slug>/confirm/<token>", methods=["GET", "POST"])
def confirm(slug: str, token: str):
    """Show a button: mail scanners that follow links must not confirm or use up the link."""
    statement, version = load_public_version(slug)
    signon = services.signon_from_confirm_token(statement, token)
    version = in_signers_language(statement, version, signon)
    if request.method == "GET":
        return render_template("signons/confirm.html", statement=statement, version=version, signon=signon,
                               token=token)
    if signon.status == SignOnStatus.PENDING.value or signon.reconfirm_revision_id:
        services.require_open(statement)
    return _confirm_and_answer(statement, signon, version)


def _confirm_and_answer(statement: Statement, signon, version: Statement):
    """Confirm and commit; if another sign-on of the same name was approved at that moment, hold this one."""
    signon_id = signon.id
    try:
        outcome = services.confirm(signon)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        signon = db.session.get(SignOn, signon_id)
        outcome = services.confirm(signon)  # now it sees the other one, and holds this one for staff
        db.session.commit()
    return render_template("signons/confirmed.html", statement=statement, version=version, signon=signon,
                           outcome=outcome)


@bp.route("/s/<slug>/confirm-code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNON_LIMIT_PER_ADDRESS"], methods=["POST"])
def confirm_code(slug: str):
    statement, version = load_public_version(slug)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            services.require_open(statement)
            signon = services.confirm_by_code(statement, form.contact_email.data, form.code.data)
        except InvalidInput as error:
            db.session.commit()  # a wrong try counts against the sign-on's code
            add_error(form, error)
        else:
            return _confirm_and_answer(statement, signon, in_signers_language(statement, version, signon))
    status = 400 if request.method == "POST" else 200
    return render_template("signons/confirm_code.html", statement=statement, version=version, form=form), status


@bp.route("/s/<slug>/withdraw/<token>", methods=["GET", "POST"])
def withdraw(slug: str, token: str):
    statement, version = load_public_version(slug)
    signon = services.signon_from_withdraw_token(statement, token)
    version = in_signers_language(statement, version, signon)
    if request.method == "POST":
        changed = services.withdraw(signon)
        db.session.commit()
        return render_template("signons/withdrawn.html", statement=statement, version=version, signon=signon,
                               changed=changed)
    return render_template("signons/withdraw.html", statement=statement, version=version, signon=signon,
                           token=token)


@bp.errorhandler(InvalidToken)
def link_problem(error: InvalidToken):
    """A confirmation or withdrawal link that cannot be used: say why, and offer a new one on the spot."""
    db.session.rollback()
    version = db.session.scalar(_STATEMENT_BY_SLUG, {"slug": str((request.view_args or {}).get("slug", ""))[:80]})
    title = _("This link cannot be used")
    if version is None or not versions.is_public_version(version):
        return render_error(error.status_code, title, error.message)
    statement = version.source if version.source_id is not None else version
    return render_template("signons/link_problem.html", statement=statement, version=version, title=title,
                           message=error.message,
                           resend_form=ResendForm(prefix="resend"),
                           is_open=statement.state == State.SIGNON_OPEN), error.status_code


def by_country_in(language: str, counts: dict) -> list[tuple[str, str, int]]:
    """The counts by country as (name, code, count), named in a language: most signatures first, then by name."""
    named = [(country_name(code, language), code, n) for _name, code, n in counts["by_country"]]
    return sorted(named, key=lambda row: (-row[2], sort_key(row[0], language)))


@bp.route("/s/<slug>/signatories")
def signatories(slug: str):
    """The one list of signatories, from the address of any version, in that version's language.

    Anonymous visitors get a page made in the last few seconds, as the counts beside it are kept (a change
    made through this process shows at once): a long list is read once per few seconds, however many read it.
    """
    country = request.args.get("country", "")[:2].upper() or None
    if current_user.is_authenticated or session.get("_flashes"):  # a page for this person alone
        return _signatories_page(slug, country).html
    address = (slug, country, requested_page())
    pages, values = signatory_pages(), {"csrf": generate_csrf()}
    found = pages.recent_address(address, recent_page_seconds())
    if before_deadline(found):
        set_page_language(found["language"])
        page = pages.recent_page((found["version"], current_language(), *address[1:]), recent_page_seconds(),
                                 values)
        if page is not None:
            return page
    made = _signatories_page(slug, country)
    if made.keepable:  # (kept with the visitor's token it was made with: each visitor gets their own swapped in)
        pages.page((made.version.id, current_language(), *address[1:]), time.monotonic(), values,
                   lambda: (made.html, values))
        pages.remember_address(address, {"version": made.version.id, "language": made.version.language,
                                         "deadline": made.statement.signon_deadline})
    return made.html


@dataclass
class _SignatoriesPage:
    html: str
    statement: Statement
    version: Statement
    #: whether it may be kept for the next visitors: an address of a page that exists (so that made-up
    #: countries and page numbers are not remembered without end)
    keepable: bool


def _signatories_page(slug: str, country: str | None) -> _SignatoriesPage:
    statement, version = load_public_version(slug)
    language = current_language()
    counts = services.counts(statement)
    by_country = by_country_in(language, counts)
    page = None
    if services.list_is_public(statement):
        # in English the list keeps the order stored with each row; in another language, its own order
        if language == ENGLISH:
            page = paginate(services.public_query(statement, country), LIST_PAGE_SIZE)
        else:
            page = paginate_ids(services.public_ids_in(statement, language, country), services.signons_by_ids,
                                LIST_PAGE_SIZE)
    entries = [services.public_entry(s, language) for s in page.items] if page else []
    public_versions = versions.public_versions(statement)
    html = render_template("signons/signatories.html", statement=statement, version=version,
                           versions=versions.version_links(public_versions),
                           alternates=alternates(public_versions, "signons.signatories"),
                           counts=counts, by_country=by_country,
                           page=page, country=country, entries=entries,
                           # kept as the counts beside it are: both read every sign-on of the statement
                           chart_days=charts.days_chart(services.kept(statement, "days",
                                                                      lambda: services.daily_series(statement))),
                           chart_countries=charts.countries_chart(by_country))
    exists = (country is None or any(code == country for _name, code, _count in by_country)) and \
        (page.page <= max(page.pages, 1) if page is not None else requested_page() == 1)
    return _SignatoriesPage(html, statement, version, keepable=exists)
