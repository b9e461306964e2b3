"""The kinds of notification: who hears of each, how by default, and the words for each."""

from flask_babel import lazy_gettext as _l

NOW, DIGEST, OFF = "now", "digest", "off"
CHOICES = (NOW, DIGEST, OFF)
CHOICE_LABELS = {NOW: _l("At once"), DIGEST: _l("In a daily digest"), OFF: _l("Not by email")}

PERIOD_OPENED = "period_opened"
PERIOD_ENDING = "period_ending"
PERIOD_ENDED = "period_ended"
MENTION = "mention"
REPLY = "reply"
THREAD_RESOLVED = "thread_resolved"
NEW_REVISION = "new_revision"
SIGNONS_WAITING = "signons_waiting"
DEADLINE_NEAR = "deadline_near"
MADE_FINAL = "made_final"
SIGNON_OPENED = "signon_opened"
PUBLISHED = "published"
CONSENT_OPENED = "consent_opened"
CONSENT_ENDING = "consent_ending"
CONSENT_ENDED = "consent_ended"
SUGGESTION_NEW = "suggestion_new"
SUGGESTION_ACCEPTED = "suggestion_accepted"
SUGGESTION_REJECTED = "suggestion_rejected"

#: kind -> what the preferences page calls it; the order is the page's
KINDS = {
    MENTION: _l("Someone mentions me"),
    REPLY: _l("A reply in a thread I take part in"),
    THREAD_RESOLVED: _l("A thread I take part in is resolved"),
    NEW_REVISION: _l("A new revision while I have unread comments on the statement"),
    PERIOD_OPENED: _l("A comment period opens"),
    PERIOD_ENDING: _l("A comment period ends in 48 hours"),
    PERIOD_ENDED: _l("A comment period I coordinate has ended"),
    CONSENT_OPENED: _l("My organization's position is asked in a consent round"),
    CONSENT_ENDING: _l("A consent round ends in 48 hours and my organization has not answered"),
    CONSENT_ENDED: _l("A consent round on a statement I coordinate has ended"),
    MADE_FINAL: _l("A statement is made final"),
    SIGNON_OPENED: _l("A statement opens for sign-on"),
    SIGNONS_WAITING: _l("Sign-ons wait for approval (once a day per statement)"),
    DEADLINE_NEAR: _l("A sign-on deadline is near"),
    PUBLISHED: _l("A statement is published"),
    SUGGESTION_NEW: _l("A new suggested change on a statement I coordinate"),
    SUGGESTION_ACCEPTED: _l("My suggested change is accepted"),
    SUGGESTION_REJECTED: _l("My suggested change is rejected"),
}
#: what a person gets without choosing: what is about them (or asks their organization) at once, the rest once a day
DEFAULTS = dict.fromkeys(KINDS, DIGEST) | {MENTION: NOW, REPLY: NOW, CONSENT_OPENED: NOW, CONSENT_ENDING: NOW,
                                           SUGGESTION_ACCEPTED: NOW, SUGGESTION_REJECTED: NOW}
#: kinds only the statement's coordinators hear of
FOR_COORDINATORS = frozenset({SIGNONS_WAITING, DEADLINE_NEAR, PERIOD_ENDED, CONSENT_ENDED, SUGGESTION_NEW})
#: kinds kept as one row per person, statement and day, its count brought up to date
BATCHED = frozenset({SIGNONS_WAITING, NEW_REVISION})
#: kinds about a thread: the link goes to the thread (a suggestion's thread links to the suggestion)
ABOUT_A_THREAD = frozenset({MENTION, REPLY, THREAD_RESOLVED, SUGGESTION_NEW, SUGGESTION_ACCEPTED,
                            SUGGESTION_REJECTED})
#: the unsubscribe link of a digest turns off every kind that was coming by digest
ALL_DIGEST = "digest"
