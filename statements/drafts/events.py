"""What drafting announces, for the parts built on it (comments, translations, sign-on) to act on without
drafting knowing them. Each listens by connecting to a signal here when its module is imported, which
create_app does for every part; a listener runs inside the same transaction as the change it hears of.
"""

from blinker import Namespace

_signals = Namespace()

#: sent with the statement after a new revision is written, before the commit; keyword arguments: author,
#: number (the new revision's), previous_text (None for the first revision), text, source_number (the
#: revision of the source a translation was brought up to, if the form said)
revision_saved = _signals.signal("revision-saved")

#: sent with the statement before it moves to another state of its lifecycle; a listener refuses the move by
#: raising (an error of statements.core.errors, which the caller shows); keyword arguments: actor,
#: from_state, to_state (State values)
state_changing = _signals.signal("statement-state-changing")

#: sent with the statement after it moved from one state of its lifecycle to another, before the commit;
#: keyword arguments: actor, from_state, to_state (State values)
state_changed = _signals.signal("statement-state-changed")

#: sent with the statement before the page that asks "make this text final?" is drawn; a listener that returns
#: True has something to show there (the page's template asks it what), so the page is shown even without open
#: threads
final_asks_first = _signals.signal("statement-final-asks-first")
