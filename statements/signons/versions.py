"""The public versions of a statement: the statement itself, and each of its translations made final
in step with its final text. They share the source's sign-on, counts and one list of signatories."""

from dataclasses import dataclass

from sqlalchemy import func, select

from statements.core.languages import text_direction
from statements.drafts.models import LANGUAGES, State, Statement
from statements.extensions import db
from statements.translating import services as translating
from statements.translating.models import TranslatedParagraph

PUBLIC_STATES = (State.SIGNON_OPEN.value, State.SIGNON_CLOSED.value, State.PUBLISHED.value)
#: each language named in itself, as a reader looking for their own language reads it
OWN_NAMES = dict(LANGUAGES)


def source_is_public(statement: Statement) -> bool:
    """Whether the public may read a statement written in its own language: sign-on open or closed, or published."""
    return (statement.source_id is None and statement.state in PUBLIC_STATES
            and statement.final_revision_id is not None)


def _translation_is_public(translation: Statement) -> bool:
    return (translation.state == State.FINAL.value and translation.final_revision_id is not None
            and translating.in_step_with_final_source(translation))


def is_public_version(statement: Statement) -> bool:
    """Whether the public may read this statement: a public source, or a final translation of one in step with it."""
    if statement.source_id is None:
        return source_is_public(statement)
    source = statement.source
    return source is not None and source_is_public(source) and _translation_is_public(statement)


def public_versions(source: Statement) -> list[Statement]:
    """The source first, then each translation the public may read, by language."""
    return [source] + [t for t in translating.translations_of(source) if _translation_is_public(t)]


def public_version_in(source: Statement, language: str | None) -> Statement | None:
    """The public version of a statement in a language (the source itself, if written in it), if any."""
    if source.language == language:
        return source
    return next((t for t in translating.translations_of(source) if t.language == language
                 and _translation_is_public(t)), None)


def versions_key(source: Statement) -> tuple:
    """All that decides which translations are public and what they show, read in one query: a public
    page made with one key is stale once the key differs."""
    rows = (select(Statement.id, Statement.slug, Statement.language, Statement.title, Statement.summary,
                   Statement.state, Statement.final_revision_id, func.count(TranslatedParagraph.id),
                   func.max(TranslatedParagraph.updated_at))
            .outerjoin(TranslatedParagraph, TranslatedParagraph.translation_id == Statement.id)
            .where(Statement.source_id == source.id).group_by(Statement.id).order_by(Statement.id))
    return tuple(tuple(row) for row in db.session.execute(rows))


@dataclass(frozen=True)
class VersionLink:
    """One public version as a switcher, a link in a page's head or the API lists it."""

    slug: str
    language: str
    #: the language's name in itself ("Español"), whatever the reader's language
    language_name: str
    title: str
    is_source: bool

    @property
    def direction(self) -> str:
        return text_direction(self.language)


def version_links(versions: list[Statement]) -> list[VersionLink]:
    """The versions as links, the source first."""
    return [VersionLink(v.slug, v.language, OWN_NAMES.get(v.language, v.language), v.title, v.source_id is None)
            for v in versions]
