"""Translations of a statement: start one, keep each paragraph's standing, bring paragraphs up to date."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select

from statements.accounts.models import User
from statements.audit.services import record
from statements.core.db import utcnow
from statements.core.errors import Conflict, InvalidInput, NotAllowed
from statements.drafts import services as drafts
from statements.drafts.models import LANGUAGES, Revision, Statement
from statements.extensions import db
from statements.translating.models import TranslatedParagraph
from statements.translating.paragraphs import ParagraphStanding, Standing, changed_positions, paragraphs, standings

LANGUAGE_NAMES = dict(LANGUAGES)


def translations_of(source: Statement) -> list[Statement]:
    """The translations of a statement, by language."""
    return list(db.session.scalars(select(Statement).where(Statement.source_id == source.id)
                                   .order_by(Statement.language)))


def start_translation(actor: User, source: Statement, language: str, title: str) -> Statement:
    """Open a translation of a statement into another language, empty, with the source's drafting tools."""
    if source.source_id is not None:
        raise InvalidInput(_("This is a translation already: start a translation from the statement it "
                             "translates."))
    taken = {source.language} | {t.language for t in translations_of(source)}
    if language not in LANGUAGE_NAMES or language in taken:
        raise InvalidInput(_("Choose a language the statement is not written or translated in yet."),
                           field="language")
    translation = drafts.create_statement(actor, source.group, title, _free_slug(f"{source.slug[:70]}-{language}"),
                                          language, "", "")
    translation.source_id = source.id
    record(actor, "statement.translation_started", translation,
           f"Started the {LANGUAGE_NAMES[language]} translation of “{source.title}”", group_id=source.group_id)
    return translation


def _free_slug(wanted: str) -> str:
    """The wanted address, or the same with a number, when another statement has it already."""
    taken = set(db.session.scalars(select(Statement.slug).where(Statement.slug.like(f"{wanted}%"))))
    return next(candidate for candidate in [wanted] + [f"{wanted}-{n}" for n in range(2, len(taken) + 3)]
                if candidate not in taken)


def _synced(translation: Statement) -> dict[int, TranslatedParagraph]:
    return {row.position: row for row in db.session.scalars(
        select(TranslatedParagraph).where(TranslatedParagraph.translation_id == translation.id))}


def _bring_up_to_date(actor: User | None, translation: Statement, positions: list[int], source_revision: Revision,
                      rows: dict[int, TranslatedParagraph]) -> None:
    source_blocks = paragraphs(drafts.revision_text(source_revision))
    for position in positions:
        row = rows.get(position) or TranslatedParagraph(translation_id=translation.id, position=position)
        row.source_revision_id = source_revision.id
        row.source_text = source_blocks[position] if position < len(source_blocks) else ""
        row.updated_at, row.updated_by_id = utcnow(), getattr(actor, "id", None)
        db.session.add(row)


def record_translated_paragraphs(actor: User, translation: Statement, before: str, after: str,
                                 source_number: int | None) -> None:
    """After a save of a translation: the paragraphs it changed are up to date with the source revision
    the translator worked from (the latest, if the form did not say)."""
    source = translation.source
    number = source_number if source_number and 1 <= source_number <= source.latest_number else source.latest_number
    rows = _synced(translation)
    _bring_up_to_date(actor, translation, changed_positions(before, after), drafts.get_revision(source, number), rows)
    db.session.execute(delete(TranslatedParagraph).where(
        TranslatedParagraph.translation_id == translation.id,
        TranslatedParagraph.position >= len(paragraphs(after))))


def mark_up_to_date(actor: User, translation: Statement, position: int, source_number: int) -> None:
    """Say a translated paragraph still says what the source's paragraph says now, without changing it."""
    if translation.source_id is None:
        raise NotAllowed(_("Only a translation's paragraphs can be marked up to date."))
    if not translation.state_enum.text_is_editable:
        raise NotAllowed(_("This translation is final: reopen its draft to change it."))
    source = translation.source
    if source_number != source.latest_number:
        raise InvalidInput(_("The source changed while you were reading it. Look at the paragraph again, then "
                             "mark it up to date."))
    if not 0 <= position < len(paragraphs(drafts.current_text(translation))):
        raise InvalidInput(_("That paragraph is not translated yet: translate it in the editor."))
    _bring_up_to_date(actor, translation, [position], drafts.latest_revision(source), _synced(translation))


def paragraph_standings(translation: Statement) -> list[ParagraphStanding]:
    """Each paragraph of a translation beside the source's, with whether it is up to date."""
    rows = _synced(translation)
    numbers = dict(db.session.execute(select(Revision.id, Revision.number).where(
        Revision.id.in_({row.source_revision_id for row in rows.values()}))).all()) if rows else {}
    synced = {position: (row.source_text, numbers.get(row.source_revision_id)) for position, row in rows.items()}
    return standings(drafts.current_text(translation.source), drafts.current_text(translation), synced)


@dataclass(frozen=True)
class TranslationState:
    """How far one translation is from its source."""

    translation: Statement
    behind: int  # paragraphs whose source changed since, or with no source paragraph any more
    missing: int  # source paragraphs not translated yet
    total: int

    @property
    def not_started(self) -> bool:
        return self.missing == self.total

    @property
    def up_to_date(self) -> bool:
        return not self.behind and not self.missing and self.total > 0


def state_of(translation: Statement, counted: list[ParagraphStanding] | None = None) -> TranslationState:
    """How far a translation is from its source; from its paragraph standings, when already at hand."""
    counted = paragraph_standings(translation) if counted is None else counted
    behind = sum(1 for p in counted if p.standing in (Standing.BEHIND, Standing.SOURCE_GONE))
    missing = sum(1 for p in counted if p.standing == Standing.NOT_STARTED)
    return TranslationState(translation, behind, missing, len(counted))


def translation_states(source: Statement) -> list[TranslationState]:
    """Each translation of a statement with how far it is behind, for the table on its page."""
    return [state_of(t) for t in translations_of(source)]


def translations_behind(source: Statement) -> list[TranslationState]:
    """The translations not up to date with the source, to name when sign-on opens."""
    return [state for state in translation_states(source) if not state.up_to_date]


def in_step_with_final_source(translation: Statement) -> bool:
    """Whether a translation's final text translates every paragraph of its source's final text as it
    reads now (the source may have been made final again, on another text, since)."""
    source = translation.source
    if source is None or translation.final_revision_id is None or source.final_revision_id is None:
        return False
    synced = {position: (row.source_text, 0) for position, row in _synced(translation).items()}
    counted = standings(drafts.revision_text(source.final_revision), drafts.revision_text(translation.final_revision),
                        synced)
    return state_of(translation, counted).up_to_date


def require_in_step_with_final_source(translation: Statement) -> None:
    """Refuse to make a translation final unless its source is final and every paragraph is up to date with it."""
    source = translation.source
    if source.final_revision_id is None or source.state_enum.text_is_editable:
        raise Conflict(_("A translation is made final against the final text of its source: freeze the source "
                         "as final first."))
    state = state_of(translation)
    if not state.up_to_date:
        raise Conflict(_("This translation is not up to date with the final text: %(behind)d paragraphs behind "
                         "and %(missing)d not translated. Bring them up to date first.",
                         behind=state.behind, missing=state.missing))
