"""Who may do what: the one place that decides, asked by views and templates alike."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    """A person's role in one working group."""

    COORDINATOR = "coordinator"
    MEMBER = "member"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        """The role's name in the reader's language."""
        return str(_ROLE_LABELS[self])

    @property
    def lazy_label(self):
        """The role's name, read in the language of whoever sees it (for lists made once, such as choices)."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {Role.COORDINATOR: _l("Coordinator"), Role.MEMBER: _l("Member"), Role.OBSERVER: _l("Observer")}


class Permission(StrEnum):
    """Actions named resource:action."""

    # network-wide, staff only
    GROUP_CREATE = "group:create"
    INVITATION_CREATE = "invitation:create"
    ORGANIZATION_MANAGE = "organization:manage"
    AUDIT_READ = "audit:read"
    USER_MANAGE = "user:manage"
    # within a working group
    GROUP_VIEW = "group:view"
    GROUP_MANAGE_MEMBERS = "group:manage_members"
    STATEMENT_VIEW = "statement:view"
    STATEMENT_CREATE = "statement:create"
    STATEMENT_EDIT = "statement:edit"
    STATEMENT_TRANSITION = "statement:transition"
    POINT_VIEW = "talking_point:view"
    POINT_EDIT = "talking_point:edit"
    POINT_DECIDE = "talking_point:decide"
    COMMENT_CREATE = "comment:create"
    THREAD_RESOLVE = "thread:resolve"
    COMMENT_CHANGE = "comment:change"
    #: accept or reject a suggested change (suggesting and supporting one: COMMENT_CREATE)
    SUGGESTION_DECIDE = "suggestion:decide"
    SIGNON_MANAGE = "signon:manage"
    #: the campaign panel's public link, QR code and count (its goal, sources and partner links: SIGNON_MANAGE)
    CAMPAIGN_VIEW = "campaign:view"
    UNNAMED_SIGNATORY_VIEW = "unnamed_signatory:view"
    STATEMENT_EXPORT = "statement:export"
    STATEMENT_PRINT = "statement:print"
    TRANSLATION_START = "translation:start"
    TRANSLATOR_INVITE = "translator:invite"
    NETWORK_SETTINGS = "network:settings"
    MAIL_MANAGE = "mail:manage"
    #: see a statement's consent round: the positions of the group's organizations
    CONSENT_VIEW = "consent:view"
    CONSENT_OPEN = "consent:open"
    #: record one's own organization's position (see represents: the organization must have been asked)
    POSITION_RECORD = "consent_position:record"


#: What each role in a group may do there. Staff (admins) may do everything.
_READ = frozenset({Permission.GROUP_VIEW, Permission.STATEMENT_VIEW, Permission.POINT_VIEW,
                   Permission.COMMENT_CREATE, Permission.STATEMENT_PRINT, Permission.CAMPAIGN_VIEW,
                   Permission.CONSENT_VIEW, Permission.POSITION_RECORD})
_WRITE = _READ | {Permission.STATEMENT_EDIT, Permission.POINT_EDIT, Permission.TRANSLATION_START}
_STEER = _WRITE | {Permission.GROUP_MANAGE_MEMBERS, Permission.STATEMENT_CREATE, Permission.STATEMENT_TRANSITION,
                   Permission.POINT_DECIDE, Permission.THREAD_RESOLVE, Permission.SIGNON_MANAGE,
                   Permission.STATEMENT_EXPORT, Permission.TRANSLATOR_INVITE, Permission.CONSENT_OPEN,
                   Permission.SUGGESTION_DECIDE}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OBSERVER: _READ,
    Role.MEMBER: _WRITE,
    Role.COORDINATOR: _STEER,
}

STAFF_ONLY = frozenset({
    Permission.GROUP_CREATE,
    Permission.INVITATION_CREATE,
    Permission.ORGANIZATION_MANAGE,
    Permission.AUDIT_READ,
    Permission.USER_MANAGE,
    Permission.NETWORK_SETTINGS,
    # the outbox holds every address mail goes to, signatories' contacts among them
    Permission.MAIL_MANAGE,
    # who signed when it chose to be counted without being named: network staff alone know it
    Permission.UNNAMED_SIGNATORY_VIEW,
})


#: what the author of a thread or comment may do to it, in a group they can comment in
AUTHOR_PERMISSIONS = frozenset({Permission.THREAD_RESOLVE, Permission.COMMENT_CHANGE})

# --- invited translators ----------------------------------------------------------------------------
# A person invited to translate a statement into a language (accounts.models.TranslatorGrant) holds no
# role in the group. On that one translation, and on its threads and comments, they may do what follows;
# on the source statement, only start the translation in their language when nobody has yet. Nothing else
# of the group reaches them: its page, other statements and translations, talking points, sign-ons,
# exports, print views, lifecycle steps, members. GROUP_VIEW on a statement is what load_for asks to show
# that the statement exists at all; on the group itself it stays refused.

#: what an invited translator may do to their translation
TRANSLATOR_PERMISSIONS = frozenset({Permission.GROUP_VIEW, Permission.STATEMENT_VIEW, Permission.STATEMENT_EDIT,
                                    Permission.COMMENT_CREATE})
#: what an invited translator may do to the source statement
TRANSLATOR_SOURCE_PERMISSIONS = frozenset({Permission.TRANSLATION_START})


def statement_of(target):
    """Return the statement a target is part of (the statement itself, a thread's, a comment's, a suggestion's),
    or None."""
    kind = getattr(target, "__tablename__", None)
    if kind == "statement":
        return target
    if kind in ("comment_thread", "suggestion"):
        return target.statement
    if kind == "comment":
        return target.thread.statement
    return None


def translator_languages(user, source) -> set[str]:
    """The languages a person was invited to translate a source statement into."""
    if source is None or source.source_id is not None or not getattr(user, "is_authenticated", False):
        return set()
    return {grant.language for grant in user.translator_grants if grant.statement_id == source.id}


def translates(user, statement) -> bool:
    """Say whether a person was invited to work on this translation."""
    return statement is not None and statement.source_id is not None and \
        statement.language in translator_languages(user, statement.source)


def may_start_translation(user, source, language: str) -> bool:
    """Say whether the user may open the translation of a source statement into this language."""
    if not can(user, Permission.TRANSLATION_START, source):
        return False
    return role_in(user, source.group) is not None or user.is_admin or language in translator_languages(user, source)


# --- reading across the network ---------------------------------------------------------------------
# A coordinator may open a statement's comment period to the whole network (Statement.open_to_network).
# While that comment period lasts, every member of the network (a person in at least one working group)
# may read the statement and its threads and comment, as an observer of the group would; nothing else of
# the group reaches them. Once the period ends the statement is hidden from them again.

#: what a member of another group may do to a statement open to the network, and to its threads and comments
NETWORK_READER_PERMISSIONS = frozenset({Permission.GROUP_VIEW, Permission.STATEMENT_VIEW,
                                        Permission.COMMENT_CREATE})


def open_to_network_now(statement) -> bool:
    """Say whether a statement is in a comment period open to every member of the network."""
    return bool(statement.open_to_network) and statement.state == "comment_period"  # drafts.models.State


def _granted(user, target) -> frozenset[Permission]:
    """What the user may do to a target by their role in its group, as a translator invited to it, or as a
    member of the network reading a statement open to all of it."""
    role = role_in(user, group_of(target))
    if role is not None:
        return ROLE_PERMISSIONS[role]
    statement = statement_of(target)
    if statement is None:
        return frozenset()
    granted = frozenset()
    if user.translator_grants:
        if translates(user, statement):
            return TRANSLATOR_PERMISSIONS
        if translator_languages(user, statement):
            granted = TRANSLATOR_SOURCE_PERMISSIONS
    if user.memberships and open_to_network_now(statement):
        granted |= NETWORK_READER_PERMISSIONS
    return granted


def group_of(target):
    """Return the working group a target belongs to (the target itself for a group)."""
    if target is None:
        return None
    return getattr(target, "group", None) or target


def role_in(user, group) -> Role | None:
    """Return the user's role in a working group, or None when not a member."""
    if user is None or not getattr(user, "is_authenticated", False) or group is None:
        return None
    for membership in user.memberships:
        if membership.group_id == group.id:
            return Role(membership.role)
    return None


def can(user, permission: Permission, target=None) -> bool:
    """Say whether the user may do this, to this target if it is about one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    if permission in STAFF_ONLY:
        return False
    granted = _granted(user, target)
    if permission in granted:
        return True
    is_author = getattr(target, "author_id", None) == user.id
    return is_author and permission in AUTHOR_PERMISSIONS and Permission.COMMENT_CREATE in granted


# --- consent rounds --------------------------------------------------------------------------------
# A person represents their organization (User.organization) in the working groups they belong to, whatever
# their role there: any of them may record its position in a round, and the latest recorded counts. Staff
# represent no organization unless they belong to the group with one.

def represents(user, organization_id: int | None, group) -> bool:
    """Say whether the user may speak for this organization in this working group."""
    return organization_id is not None and getattr(user, "organization_id", None) == organization_id \
        and role_in(user, group) is not None


# --- who sees what of signatories -------------------------------------------------------------------
# Network staff see every sign-on whole: name, contact, email, website, message, even for an organization
# counted without being named, and download them all. The group's coordinators see the sign-ons of
# named and country-only organizations whole, to moderate them, but of an organization counted without
# being named only that it signed and its status. Members, observers and everyone else see what the
# public sees. The public sign-on page (templates/signons/public.html) says so: change both together.

#: the visibility of an organization counted without being named (signons.models.Visibility.COUNT_ONLY:
#: change both together)
COUNTED_WITHOUT_NAME = "count"


def sees_unnamed_signatories(user) -> bool:
    """Say whether the user may know who the organizations counted without being named are."""
    return can(user, Permission.UNNAMED_SIGNATORY_VIEW)


def sees_signatory(user, signon) -> bool:
    """Say whether the user may see who signed and how to reach them (not only that an organization signed)."""
    if signon.visibility == COUNTED_WITHOUT_NAME:
        return sees_unnamed_signatories(user)
    return can(user, Permission.SIGNON_MANAGE, signon)


def sees_private_list(user, statement) -> bool:
    """Say whether the user may see the names of a list kept private until publication: those who may
    export the statement's files, which name them, and no one else (a print view follows the same rule)."""
    return can(user, Permission.STATEMENT_EXPORT, statement)
