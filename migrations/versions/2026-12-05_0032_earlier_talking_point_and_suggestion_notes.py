"""the notes written before on revisions that inserted a talking point or accepted suggestions, recognised so
that they too are read in each reader's language

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 18:30:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

#: the English words the service wrote, as it wrote them (a note cut at 200 characters is left as it is)
TALKING_POINT = ("Inserted talking point “", "”")
ONE_SUGGESTION, SUGGESTIONS, ACCEPTED = "Suggestion by ", "Suggestions by ", " accepted"
FORMER_MEMBER = "a former member"  # an author whose account was gone, "" in what the note says


def upgrade():
    connection = op.get_bind()
    # an inserted talking point: a note of its words, on a statement a talking point went into
    for revision_id, note in connection.execute(sa.text(
            "SELECT id, note FROM revision WHERE note_kind IS NULL AND note LIKE :words "
            "AND statement_id IN (SELECT statement_id FROM talking_point_use)"),
            {"words": TALKING_POINT[0] + "%" + TALKING_POINT[1]}).all():
        if not (note.startswith(TALKING_POINT[0]) and note.endswith(TALKING_POINT[1])):
            continue  # (SQLite's LIKE ignores case)
        title = note[len(TALKING_POINT[0]):-len(TALKING_POINT[1])]
        _said(connection, revision_id, "talking_point", {"title": title})
    # accepted suggestions: a note of their words, on the revision they were accepted into
    for revision_id, note, count in connection.execute(sa.text(
            "SELECT revision.id, revision.note, COUNT(suggestion.id) FROM revision "
            "JOIN suggestion ON suggestion.statement_id = revision.statement_id "
            "AND suggestion.accepted_revision_number = revision.number "
            "WHERE revision.note_kind IS NULL GROUP BY revision.id, revision.note")).all():
        names = _suggestion_authors(note, count)
        if names is not None:
            _said(connection, revision_id, "suggestions_accepted", {"names": names, "count": count})


def _suggestion_authors(note: str, count: int) -> list[str] | None:
    """The authors a note of accepted suggestions names; None when it is not such a note."""
    start = ONE_SUGGESTION if count == 1 else SUGGESTIONS
    if not (note.startswith(start) and note.endswith(ACCEPTED)):
        return None
    named = note[len(start):-len(ACCEPTED)]
    # (a name holding ", " is split in two, and joined again as it was when the note is read)
    return ["" if name == FORMER_MEMBER else name for name in (named.split(", ") if count > 1 else [named])]


def _said(connection, revision_id: int, kind: str, arguments: dict) -> None:
    connection.execute(sa.text("UPDATE revision SET note_kind = :kind, note_args = :arguments WHERE id = :id"),
                       {"kind": kind, "arguments": json.dumps(arguments, ensure_ascii=False), "id": revision_id})


def downgrade():
    pass  # (what the notes say stays true, and the columns stay, under the revision before)
