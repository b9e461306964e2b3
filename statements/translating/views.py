"""Pages for translations: the table of a statement's languages, starting one, and a translation's paragraphs."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from statements.core.errors import InvalidInput, NotAllowed
from statements.core.forms import add_error
from statements.core.loaders import load_for
from statements.core.policy import Permission
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.translating import bp, services
from statements.translating.forms import StartTranslationForm, UpToDateForm
from statements.translating.paragraphs import Standing


def _source(statement_id: int, permission: Permission = Permission.STATEMENT_VIEW) -> Statement:
    statement = load_for(Statement, statement_id, permission)
    return statement.source or statement


def _language_choices(source: Statement) -> list[tuple[str, str]]:
    taken = {source.language} | {t.language for t in services.translations_of(source)}
    return [(code, name) for code, name in services.LANGUAGE_NAMES.items() if code not in taken]


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
    return render_template("translating/translations.html", statement=source, form=form,
                           states=services.translation_states(source)), status


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
