"""What drafting announces, for the parts built on it to act on without drafting knowing them."""

from blinker import Namespace

_signals = Namespace()

#: sent with the statement after it moved from one state of its lifecycle to another, before the commit;
#: keyword arguments: actor, from_state, to_state (State values)
state_changed = _signals.signal("statement-state-changed")
