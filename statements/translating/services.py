"""Translations of a statement: start one, keep each paragraph's standing, bring paragraphs up to date."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select

from statements.accounts import services as accounts
from statements.accounts.models import Invitation, TranslatorGrant, User, normalize_email
from statements.audit.services import record
from statements.core.db import utcnow
from statements.core.errors import Conflict, InvalidInput, NotAllowed
from statements.core.i18n import language_name, supported
from statements.core.policy import Permission, can
from statements.core.urls import external_url
from statements.drafts import events, services as drafts
from statements.drafts.models import LANGUAGES, Revision, State, Statement
from statements.extensions import db
from statements.mail.services import queue_mail
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


@events.revision_saved.connect
def _record_paragraphs_of_saved_translation(statement: Statement, author: User, previous_text: str | None,
                                            text: str, source_number: int | None, **_ignored) -> None:
    if statement.source_id is not None:
        record_translated_paragraphs(author, statement, previous_text or "", text, source_number)


@events.state_changing.connect
def _refuse_final_translation_out_of_step(statement: Statement, to_state: State, **_ignored) -> None:
    if to_state == State.FINAL and statement.source_id is not None:
        require_in_step_with_final_source(statement)


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


def in_step_with_final_source(translation: Statement) -> bool:
    """Whether a translation is a version that goes out beside its source: both final (texts no longer
    editable), and the translation's final text translates every paragraph of the source's final text as it
    reads now (the source may have been made final again, on another text, since)."""
    source = translation.source
    if source is None or translation.final_revision_id is None or source.final_revision_id is None:
        return False
    if translation.state_enum.text_is_editable or source.state_enum.text_is_editable:
        return False
    synced = {position: (row.source_text, 0) for position, row in _synced(translation).items()}
    counted = standings(drafts.revision_text(source.final_revision), drafts.revision_text(translation.final_revision),
                        synced)
    return state_of(translation, counted).up_to_date


def final_versions(source: Statement) -> list[Statement]:
    """The translations final and in step with the source's final text, by language."""
    return [translation for translation in translations_of(source) if in_step_with_final_source(translation)]


# --- invited translators ------------------------------------------------------------------------------

def translation_in(source: Statement, language: str) -> Statement | None:
    """The translation of a statement into a language, if someone started it."""
    return db.session.scalar(select(Statement).where(Statement.source_id == source.id, Statement.language == language))


def translators_of(source: Statement) -> list[TranslatorGrant]:
    """The people invited to translate a statement, by language, then name or address."""
    grants = db.session.scalars(select(TranslatorGrant).where(TranslatorGrant.statement_id == source.id)).all()
    return sorted(grants, key=lambda grant: (grant.language, translator_name(grant).lower()))


def translator_name(grant: TranslatorGrant) -> str:
    return grant.user.display_name if grant.user else grant.invitation.email


def invited_translations(user: User) -> list[tuple[TranslatorGrant, Statement | None, "TranslationState | None"]]:
    """What a person was invited to translate, each with the translation and how far along it is, once started."""
    found = []
    for grant in sorted(user.translator_grants, key=lambda grant: grant.id):
        translation = translation_in(grant.statement, grant.language)
        found.append((grant, translation, state_of(translation) if translation else None))
    return found


def _already_invited(source: Statement, language: str, email: str) -> TranslatorGrant | None:
    for grant in db.session.scalars(select(TranslatorGrant).where(TranslatorGrant.statement_id == source.id,
                                                                   TranslatorGrant.language == language)):
        if grant.user is not None and grant.user.email_normalized == normalize_email(email):
            return grant
        if grant.user is None and grant.invitation.email_normalized == normalize_email(email):
            if grant.invitation.status == "pending":
                return grant
            db.session.delete(grant)  # an expired invitation: a new one replaces it
    return None


def invite_translator(actor: User, source: Statement, language: str, email: str) -> tuple[TranslatorGrant, str]:
    """Let a person translate a statement into a language: an account gets access at once and a mail
    saying so; another address gets an invitation. Say which: "added", "invited" or "already"."""
    if source.source_id is not None:
        raise InvalidInput(_("Invite translators from the statement the translation is made from."))
    if language not in LANGUAGE_NAMES or language == source.language:
        raise InvalidInput(_("Choose a language the statement is not written in."), field="language")
    existing = accounts.find_user_by_email(email)
    if existing is not None and can(existing, Permission.STATEMENT_EDIT, source):
        raise InvalidInput(_("%(name)s can already edit this statement and its translations.",
                             name=existing.display_name), field="email")
    already = _already_invited(source, language, email)
    if already is not None:
        return already, "already"
    grant = TranslatorGrant(statement_id=source.id, language=language, user=existing, invited_by_id=actor.id)
    if existing is None:
        grant.invitation = Invitation(
            email=email.strip(), email_normalized=normalize_email(email), statement_id=source.id, language=language,
            invited_by_id=actor.id, expires_at=utcnow() + timedelta(days=accounts.INVITATION_DAYS))
    db.session.add(grant)
    db.session.flush()
    record(actor, "translator.invited", source, f"Invited {email.strip()} to translate “{source.title}” into "
                                                f"{LANGUAGE_NAMES[language]}", group_id=source.group_id,
           language=language)
    _tell_translator(actor, grant, source, existing)
    return grant, "invited" if existing is None else "added"


def _tell_translator(actor: User, grant: TranslatorGrant, source: Statement, user: User | None) -> None:
    """Mail the person in their own language, else in the language on the inviting person's screen."""
    with force_locale(user.language) if user is not None and supported(user.language) else nullcontext():
        subject = _("You are invited to translate “%(title)s”", title=source.title)
        language = language_name(grant.language)
        if user is None:
            queue_mail(grant.invitation.email, subject, "translator_invitation", source=source, language=language,
                       inviter=actor, days=accounts.INVITATION_DAYS,
                       link=external_url("accounts.accept_invitation",
                                         token=accounts.invitation_token(grant.invitation)))
        else:
            queue_mail(user.email, subject, "translator_added", user=user, source=source, language=language,
                       inviter=actor, link=external_url("translating.start", statement_id=source.id,
                                                        language=grant.language))


def remove_translator(actor: User, grant: TranslatorGrant) -> None:
    """End a translator's access to a translation at once, or withdraw the invitation not yet accepted."""
    if grant.invitation is not None and grant.invitation.status == "pending":
        grant.invitation.revoked_at = utcnow()
    record(actor, "translator.removed", grant.statement,
           f"Removed {translator_name(grant)} as translator of “{grant.statement.title}” into "
           f"{LANGUAGE_NAMES.get(grant.language, grant.language)}", group_id=grant.statement.group_id,
           language=grant.language)
    db.session.delete(grant)
