"""What a revision's note says to its reader: a person's own note as they wrote it; the notes the service
writes itself (the first draft, a restored revision, an inserted talking point, accepted suggestions) in the
reader's language. The service's notes are stored as what they say (`note_kind`, `note_args`), with the words
in English beside them for whatever reads the note column alone."""

import json

from flask_babel import gettext as _

FIRST_DRAFT = "first_draft"
RESTORED = "restored"
TALKING_POINT = "talking_point"
SUGGESTIONS_ACCEPTED = "suggestions_accepted"


def said(kind: str, **arguments) -> dict:
    """The columns of a revision whose note the service writes: pass them to the save."""
    return {"note_kind": kind, "note_args": json.dumps(arguments, ensure_ascii=False) if arguments else None}


def shown_note(revision) -> str:
    """A revision's note in the reader's language (a person's own note as written)."""
    kind = getattr(revision, "note_kind", None)
    if not kind:
        return revision.note
    arguments = json.loads(revision.note_args or "{}")
    if kind == FIRST_DRAFT:
        return _("First draft")
    if kind == RESTORED and revision.restored_from_number:
        return _("Restored revision %(number)s", number=revision.restored_from_number)
    if kind == TALKING_POINT:
        return _("Inserted talking point “%(title)s”", title=arguments.get("title", ""))
    if kind == SUGGESTIONS_ACCEPTED:  # ("" stands for an author whose account is gone)
        names = ", ".join(name or _("a former member") for name in arguments.get("names", []))
        if arguments.get("count", 1) == 1:
            return _("Suggestion by %(name)s accepted", name=names)
        return _("Suggestions by %(names)s accepted", names=names)
    return revision.note
