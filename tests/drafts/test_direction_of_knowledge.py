"""Drafting knows nothing of the parts built on it: saving a revision and moving a statement are announced
(statements/drafts/events.py), and comments, translations and sign-on listen."""

import ast
from pathlib import Path

import statements.drafts.services

BUILT_ON_DRAFTS = ("statements.comments", "statements.translating", "statements.signons", "statements.export")


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_drafting_services_import_none_of_the_parts_built_on_them():
    imported = imported_modules(Path(statements.drafts.services.__file__))
    assert not [name for name in imported if name.startswith(BUILT_ON_DRAFTS)], imported


def test_the_listeners_are_connected_once_the_app_is_made(app):
    from statements.drafts import events

    assert len(events.revision_saved.receivers) >= 2  # comments place their threads, translations their paragraphs
    assert len(events.state_changing.receivers) >= 1  # a translation out of step is not made final
    assert len(events.state_changed.receivers) >= 1  # signatories are told of publication
