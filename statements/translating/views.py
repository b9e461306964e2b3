"""Pages for translations: the table of a statement's languages, starting one, and a translation's paragraphs."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from statements.accounts.models import TranslatorGrant
from statements.accounts.services import INVITATION_DAYS
from statements.core.errors import InvalidInput, NotAllowed
from statements.core.forms import add_error
from statements.core.i18n import language_name
from statements.core.loaders import load_for
from statements.core.markdown import render_markdown
from statements.core.policy import Permission, can, may_start_translation
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.translating import bp, services
from statements.translating.forms import (
    InviteTranslatorForm, StartInvitedTranslationForm, StartTranslationForm, UpToDateForm,
)
from statements.translating.paragraphs import Standing


def _source(statement_id: int, permission: Permission = Permission.STATEMENT_VIEW) -> Statement:
    """The statement, or the one a translation is made from: the user must be allowed on that one."""
    statement = load_for(Statement, statement_id, permission)
    return load_for(Statement, statement.source_id, permission) if statement.source_id else statement


def _language_choices(source: Statement) -> list[tuple[str, str]]:
    taken = {source.language} | {t.language for t in services.translations_of(source)}
    return [(code, name) for code, name in services.LANGUAGE_NAMES.items() if code not in taken]


def _invite_form(source: Statement, formdata=None) -> InviteTranslatorForm:
    form = InviteTranslatorForm(formdata=formdata, prefix="translator")
    form.language.choices = [(code, name) for code, name in services.LANGUAGE_NAMES.items() if code != source.language]
    return form


def _translations_page(source: Statement, form: StartTranslationForm, invite_form: InviteTranslatorForm,
                       status: int = 200):
    may_invite = can(current_user, Permission.TRANSLATOR_INVITE, source)
    return render_template("translating/translations.html", statement=source, form=form,
                           states=services.translation_states(source), invite_form=invite_form,
                           translators=services.translators_of(source) if may_invite else []), status


@bp.route("/statements/<int:statement_id>/translations", methods=["GET", "POST"])
def translations(statement_id: int):
    source = _source(statement_id, Permission.STATEMENT_EDIT if request.method == "POST" else Permission.STATEMENT_VIEW)
    form = StartTranslationForm()
    form.language.choices = _language_choices(source)
    if request.method == "POST" and form.validate_on_submit():
        try:
            translation = services.start_translation(current_user, source, form.language.data, form.title.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("The translation is open: write it in the editor, paragraph by paragraph."), "success")
            return redirect(url_for("translating.paragraphs", statement_id=translation.id))
    status = 400 if form.errors or form.form_errors else 200
    return _translations_page(source, form, _invite_form(source), status)


@bp.route("/statements/<int:statement_id>/translators", methods=["POST"])
def invite_translator(statement_id: int):
    source = load_for(Statement, statement_id, Permission.TRANSLATOR_INVITE)
    if source.source_id is not None:  # the form is on the source's page; a translation's id points there
        return redirect(url_for("translating.translations", statement_id=source.source_id))
    form = _invite_form(source, request.form)
    if form.validate_on_submit():
        try:
            grant, outcome = services.invite_translator(current_user, source, form.language.data, form.email.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        except IntegrityError:  # the same form sent twice at once: the first one gave the access
            db.session.rollback()
            outcome = "already"
        if not form.errors and not form.form_errors:
            _say_invited(outcome, form.email.data, form.language.data)
            return redirect(url_for("translating.translations", statement_id=source.id) + "#translators")
    start_form = StartTranslationForm(formdata=None)
    start_form.language.choices = _language_choices(source)
    return _translations_page(source, start_form, form, 400)


def _say_invited(outcome: str, email: str, language: str) -> None:
    language = language_name(language)
    if outcome == "added":
        flash(_("%(email)s has an account: they can translate into %(language)s now, and we told them by email.",
                email=email, language=language), "success")
    elif outcome == "invited":
        flash(_("Invitation sent to %(email)s to translate into %(language)s. The link works for %(days)d days.",
                email=email, language=language, days=INVITATION_DAYS), "success")
    else:
        flash(_("%(email)s is already invited to translate into %(language)s. Nothing more was sent.",
                email=email, language=language), "info")


@bp.route("/statements/<int:statement_id>/translators/<int:grant_id>/remove", methods=["POST"])
def remove_translator(statement_id: int, grant_id: int):
    source = load_for(Statement, statement_id, Permission.TRANSLATOR_INVITE)
    grant = db.session.get(TranslatorGrant, grant_id)
    back = redirect(url_for("translating.translations", statement_id=source.id) + "#translators")
    if grant is None or grant.statement_id != source.id:
        flash(_("That translator is no longer invited to this statement: nothing to remove."), "info")
        return back
    name = services.translator_name(grant)
    services.remove_translator(current_user, grant)
    db.session.commit()
    flash(_("%(name)s can no longer work on this statement's translation.", name=name), "success")
    return back


@bp.route("/statements/<int:statement_id>/translate/<language>", methods=["GET", "POST"])
def start(statement_id: int, language: str):
    """Where an invited translator's link leads: their translation, or the form that starts it."""
    source = load_for(Statement, statement_id, Permission.TRANSLATION_START, visible=Permission.TRANSLATION_START)
    if source.source_id is not None or language not in services.LANGUAGE_NAMES or language == source.language \
            or not may_start_translation(current_user, source, language):
        abort(404)
    translation = services.translation_in(source, language)
    if translation is not None:
        return redirect(url_for("translating.paragraphs", statement_id=translation.id))
    form = StartInvitedTranslationForm()
    if form.validate_on_submit():
        try:
            translation = services.start_translation(current_user, source, language, form.title.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        except IntegrityError:  # another started the same translation a moment ago
            db.session.rollback()
            return redirect(url_for("translating.start", statement_id=source.id, language=language))
        else:
            flash(_("The translation is open: write it in the editor, paragraph by paragraph."), "success")
            return redirect(url_for("drafts.edit", statement_id=translation.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("translating/start.html", source=source, language=language, form=form), status


@bp.route("/statements/<int:statement_id>/source")
def source_text(statement_id: int):
    """The text a translation is made from: the source's latest revision, and its final one when there is one."""
    translation = load_for(Statement, statement_id, Permission.STATEMENT_VIEW)
    if translation.source_id is None:
        return redirect(url_for("drafts.statement", statement_id=translation.id))
    source = translation.source
    shown = source.final_revision if request.args.get("revision") == "final" and source.final_revision else \
        drafts.latest_revision(source)
    return render_template("translating/source.html", statement=translation, source=source, revision=shown,
                           text=render_markdown(drafts.revision_text(shown)))


@bp.route("/statements/<int:statement_id>/paragraphs")
def paragraphs(statement_id: int):
    translation = load_for(Statement, statement_id, Permission.STATEMENT_VIEW)
    if translation.source_id is None:  # a source's paragraphs are its text: show its translations instead
        return redirect(url_for("translating.translations", statement_id=translation.id))
    standings = services.paragraph_standings(translation)
    changes = {p.position: drafts.word_diff(p.translated_from, p.source).ops for p in standings
               if p.standing == Standing.BEHIND and p.translated_from}
    return render_template("translating/paragraphs.html", statement=translation, source=translation.source,
                           standings=standings, changes=changes, state=services.state_of(translation, standings),
                           source_number=translation.source.latest_number, form=UpToDateForm())


@bp.route("/statements/<int:statement_id>/paragraphs/<int:position>/up-to-date", methods=["POST"])
def mark_up_to_date(statement_id: int, position: int):
    translation = load_for(Statement, statement_id, Permission.STATEMENT_EDIT)
    if translation.source_id is None:
        flash(_("Only a translation's paragraphs can be marked up to date."), "error")
        return redirect(url_for("translating.translations", statement_id=translation.id))
    form = UpToDateForm()
    back = redirect(url_for("translating.paragraphs", statement_id=translation.id) + f"#paragraph-{position + 1}")
    if not form.validate_on_submit():
        flash(_("The form had expired. Look at the paragraph again, then mark it up to date."), "error")
        return back
    try:
        services.mark_up_to_date(current_user, translation, position, form.source_number.data)
        db.session.commit()
    except (InvalidInput, NotAllowed) as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Paragraph %(number)d is marked up to date.", number=position + 1), "success")
    return back
