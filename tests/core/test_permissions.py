"""Every route in the URL map, against every role: a route without an expectation fails the test.

Expectations: ALLOW (the action is let through: any answer but 403, 404, a login redirect or a
crash), LOGIN (redirected to the login page), FORBID (403), HIDDEN (404: not even shown to exist),
BAD_TOKEN (400: the link is refused, as it should be for a made-up token).
"""

import pytest

from tests.factories import PASSWORD

#: "translator": invited to translate the home statement into Spanish (world.translation_id), in no group
ROLES = ("anonymous", "observer", "member", "coordinator", "admin", "outsider", "translator")
ALLOW, LOGIN, FORBID, HIDDEN, BAD_TOKEN = "allow", "login", 403, 404, 400

EVERYONE = dict.fromkeys(ROLES, ALLOW)
SIGNED_IN = {**EVERYONE, "anonymous": LOGIN}
STAFF = {role: FORBID for role in ROLES} | {"anonymous": LOGIN, "admin": ALLOW}
GROUP_MEMBERS = {"anonymous": LOGIN, "observer": ALLOW, "member": ALLOW, "coordinator": ALLOW,
                 "admin": ALLOW, "outsider": HIDDEN, "translator": HIDDEN}
GROUP_MANAGERS = {"anonymous": LOGIN, "observer": FORBID, "member": FORBID, "coordinator": ALLOW,
                  "admin": ALLOW, "outsider": HIDDEN, "translator": HIDDEN}
GROUP_WRITERS = {**GROUP_MANAGERS, "member": ALLOW}
#: the member opened the thread and wrote its first comment; coordinators resolve any thread
THREAD_AUTHOR_OR_COORDINATOR = GROUP_WRITERS
COMMENT_AUTHOR = {**GROUP_MANAGERS, "coordinator": FORBID, "member": ALLOW}
TOKEN_LINK = dict.fromkeys(ROLES, BAD_TOKEN)

#: (endpoint, method) -> expectation per role. Add every new route here.
EXPECTATIONS = {
    ("accounts.home", "GET"): SIGNED_IN,
    ("accounts.login", "GET"): EVERYONE,
    ("accounts.login", "POST"): EVERYONE,
    ("accounts.logout", "POST"): EVERYONE,
    ("accounts.forgot_password", "GET"): EVERYONE,
    ("accounts.forgot_password", "POST"): EVERYONE,
    ("accounts.reset_password", "GET"): TOKEN_LINK,
    ("accounts.reset_password", "POST"): TOKEN_LINK,
    ("accounts.accept_invitation", "GET"): TOKEN_LINK,
    ("accounts.accept_invitation", "POST"): TOKEN_LINK,
    ("accounts.confirm_email_change", "GET"): EVERYONE,  # only shows a button; the POST checks the token
    ("accounts.confirm_email_change", "POST"): TOKEN_LINK,
    ("accounts.account", "GET"): SIGNED_IN,
    ("accounts.change_password", "POST"): SIGNED_IN,
    ("accounts.change_language", "POST"): SIGNED_IN,
    ("accounts.change_details", "POST"): SIGNED_IN,
    ("accounts.change_email", "POST"): SIGNED_IN,
    ("accounts.cancel_email_change", "GET"): TOKEN_LINK,  # the link sent to the old address; no login needed
    ("accounts.cancel_email_change", "POST"): TOKEN_LINK,
    ("accounts.logout_everywhere", "POST"): SIGNED_IN,
    ("accounts.groups", "GET"): SIGNED_IN,
    ("accounts.new_group", "GET"): STAFF,
    ("accounts.new_group", "POST"): STAFF,
    ("accounts.group", "GET"): GROUP_MEMBERS,
    ("accounts.add_member", "POST"): GROUP_MANAGERS,
    ("accounts.change_role", "POST"): GROUP_MANAGERS,
    ("accounts.remove_member", "POST"): GROUP_MANAGERS,
    ("accounts.invitations", "GET"): STAFF,
    ("accounts.invitations", "POST"): STAFF,
    ("accounts.revoke_invitation", "POST"): STAFF,
    ("accounts.organizations", "GET"): STAFF,
    ("accounts.edit_organization", "GET"): STAFF,
    ("accounts.edit_organization", "POST"): STAFF,
    ("accounts.users", "GET"): STAFF,
    ("accounts.set_staff", "POST"): STAFF,
    ("accounts.mail_outbox", "GET"): STAFF,
    ("accounts.retry_mail", "POST"): STAFF,
    ("accounts.discard_mail", "POST"): STAFF,
    ("accounts.send_mail_after_all", "POST"): STAFF,
    ("audit.log", "GET"): STAFF,
    ("health.health", "GET"): EVERYONE,  # for load balancers and monitors
    ("language.choose", "POST"): EVERYONE,  # the language switcher on every page
    ("translating.translations", "GET"): GROUP_MEMBERS,
    ("translating.translations", "POST"): GROUP_WRITERS,
    ("translating.paragraphs", "GET"): GROUP_MEMBERS,
    ("translating.mark_up_to_date", "POST"): GROUP_WRITERS,
    ("translating.source_text", "GET"): GROUP_MEMBERS,  # on a source: sends to its own page
    ("translating.invite_translator", "POST"): GROUP_MANAGERS,
    ("translating.remove_translator", "POST"): GROUP_MANAGERS,
    # the Spanish translation exists: those who may start it are sent to it; observers cannot start one
    ("translating.start", "GET"): {**GROUP_WRITERS, "observer": HIDDEN, "translator": ALLOW},
    ("translating.start", "POST"): {**GROUP_WRITERS, "observer": HIDDEN, "translator": ALLOW},
    ("drafts.new_statement", "GET"): GROUP_MANAGERS,
    ("drafts.new_statement", "POST"): GROUP_MANAGERS,
    ("drafts.statement", "GET"): GROUP_MEMBERS,
    ("drafts.edit", "GET"): GROUP_WRITERS,
    ("drafts.edit", "POST"): GROUP_WRITERS,
    ("drafts.preview", "POST"): GROUP_WRITERS,
    ("drafts.details", "GET"): GROUP_MANAGERS,
    ("drafts.details", "POST"): GROUP_MANAGERS,
    ("drafts.history", "GET"): GROUP_MEMBERS,
    ("drafts.revision", "GET"): GROUP_MEMBERS,
    ("drafts.compare", "GET"): GROUP_MEMBERS,
    ("drafts.restore", "POST"): GROUP_WRITERS,
    ("drafts.transition", "POST"): GROUP_MANAGERS,
    ("drafts.comment_period", "GET"): GROUP_MANAGERS,
    ("drafts.comment_period", "POST"): GROUP_MANAGERS,
    ("signons.publish", "GET"): GROUP_MANAGERS,  # the world's statement is a draft: sent back to it, with why
    ("signons.correct", "GET"): GROUP_MANAGERS,
    ("signons.correct", "POST"): GROUP_MANAGERS,
    ("signons.corrections", "GET"): EVERYONE,
    ("talking_points.points", "GET"): GROUP_MEMBERS,
    ("talking_points.new_point", "GET"): GROUP_WRITERS,
    ("talking_points.new_point", "POST"): GROUP_WRITERS,
    ("talking_points.point", "GET"): GROUP_MEMBERS,
    ("talking_points.edit_point", "GET"): GROUP_WRITERS,
    ("talking_points.edit_point", "POST"): GROUP_WRITERS,
    ("talking_points.set_status", "POST"): GROUP_MANAGERS,
    ("talking_points.insert", "POST"): GROUP_WRITERS,
    ("consent.round_page", "GET"): GROUP_MEMBERS,
    ("consent.open_round", "GET"): GROUP_MANAGERS,
    ("consent.open_round", "POST"): GROUP_MANAGERS,
    # any member of the group may be their organization's representative (the service checks that they are)
    ("consent.record_position", "POST"): GROUP_MEMBERS,
    ("comments.threads", "GET"): GROUP_MEMBERS,
    ("comments.new_thread", "GET"): GROUP_MEMBERS,
    ("comments.new_thread", "POST"): GROUP_MEMBERS,
    ("comments.thread", "GET"): GROUP_MEMBERS,
    ("comments.reply", "POST"): GROUP_MEMBERS,
    ("comments.resolve", "POST"): THREAD_AUTHOR_OR_COORDINATOR,
    ("comments.reopen", "POST"): THREAD_AUTHOR_OR_COORDINATOR,
    ("comments.edit_comment", "GET"): COMMENT_AUTHOR,
    ("comments.edit_comment", "POST"): COMMENT_AUTHOR,
    ("comments.delete_comment", "POST"): COMMENT_AUTHOR,
    # who may comment on a statement may suggest a change and support one; its coordinators decide
    ("suggestions.suggestions", "GET"): GROUP_MEMBERS,
    ("suggestions.tracked", "GET"): GROUP_MEMBERS,
    ("suggestions.new_suggestion", "GET"): GROUP_MEMBERS,
    ("suggestions.new_suggestion", "POST"): GROUP_MEMBERS,
    ("suggestions.suggestion", "GET"): GROUP_MEMBERS,
    ("suggestions.support", "POST"): GROUP_MEMBERS,
    ("suggestions.accept", "POST"): GROUP_MANAGERS,
    ("suggestions.reject", "POST"): GROUP_MANAGERS,
    ("suggestions.accept_several", "POST"): GROUP_MANAGERS,
    ("notifications.index", "GET"): SIGNED_IN,
    # someone else's or an unknown notification leads back to one's own list (no 404 trail)
    ("notifications.open", "GET"): SIGNED_IN,
    ("notifications.mark_all_read", "POST"): SIGNED_IN,
    ("notifications.preferences", "GET"): SIGNED_IN,
    ("notifications.preferences", "POST"): SIGNED_IN,
    ("notifications.unsubscribe", "GET"): TOKEN_LINK,  # only shows a button; the POST acts, with no login
    ("notifications.unsubscribe", "POST"): TOKEN_LINK,
    ("signons.public", "GET"): EVERYONE,
    ("signons.sign", "POST"): EVERYONE,
    ("signons.check_email", "GET"): EVERYONE,
    ("signons.resend", "POST"): EVERYONE,
    ("signons.confirm", "GET"): TOKEN_LINK,
    ("signons.confirm", "POST"): TOKEN_LINK,
    ("signons.confirm_code", "GET"): EVERYONE,
    ("signons.confirm_code", "POST"): EVERYONE,
    ("signons.withdraw", "GET"): TOKEN_LINK,
    ("signons.withdraw", "POST"): TOKEN_LINK,
    ("signons.signatories", "GET"): EVERYONE,
    ("signons.signatories_json", "GET"): EVERYONE,
    ("signons.signatories_csv", "GET"): EVERYONE,
    ("signons.series_json", "GET"): EVERYONE,
    ("signons.series_csv", "GET"): EVERYONE,
    ("signons.badge", "GET"): EVERYONE,
    ("signons.api_statement", "GET"): EVERYONE,
    ("signons.api_signatories", "GET"): EVERYONE,
    ("signons.openapi", "GET"): EVERYONE,
    ("signons.open_signon", "GET"): GROUP_MANAGERS,
    ("signons.open_signon", "POST"): GROUP_MANAGERS,
    ("signons.moderation", "GET"): GROUP_MANAGERS,
    ("signons.decide", "POST"): GROUP_MANAGERS,
    ("signons.undo_decision", "POST"): GROUP_MANAGERS,
    ("signons.edit_signatory", "GET"): GROUP_MANAGERS,  # a sign-on of the home group's open statement
    ("signons.edit_signatory", "POST"): GROUP_MANAGERS,
    ("signons.export", "GET"): GROUP_MANAGERS,
    ("signons.staff_add", "GET"): GROUP_MANAGERS,
    ("signons.staff_add", "POST"): GROUP_MANAGERS,
    ("signons.paper_entry", "GET"): GROUP_MANAGERS,
    ("signons.paper_save", "POST"): GROUP_MANAGERS,
    ("signons.paper_similar_names", "GET"): GROUP_MANAGERS,
    # the world's statement is a draft: its campaign page says it has none yet, its changes are sent back with why,
    # and it has no QR code (tests/signons/test_campaign.py checks the statement open for sign-on)
    ("signons.campaign_panel", "GET"): GROUP_MEMBERS,
    ("signons.campaign_goal", "POST"): GROUP_MANAGERS,
    ("signons.create_partner_link", "POST"): GROUP_MANAGERS,
    ("signons.switch_partner_link", "POST"): GROUP_MANAGERS,
    ("signons.qr_code", "GET"): {**dict.fromkeys(ROLES, HIDDEN), "anonymous": LOGIN},
    ("signons.embed", "GET"): EVERYONE,  # the sign-on widget partners frame
    ("export.export", "GET"): GROUP_MANAGERS,
    ("export.export", "POST"): GROUP_MANAGERS,
    ("export.progress", "GET"): GROUP_MANAGERS,
    ("export.download", "GET"): GROUP_MANAGERS,
    ("export.public_pdf", "GET"): dict.fromkeys(ROLES, HIDDEN),  # the world's statement is not published
    ("export.public_docx", "GET"): dict.fromkeys(ROLES, HIDDEN),
    # the world's network has no logo; once it has one, anyone gets it (tests/export/test_network_look.py)
    ("export.network_logo", "GET"): dict.fromkeys(ROLES, HIDDEN),
    ("export.public_all_versions_pdf", "GET"): dict.fromkeys(ROLES, HIDDEN),
    ("export.print_view", "GET"): GROUP_MEMBERS,
    ("export.network", "GET"): STAFF,
    ("export.network", "POST"): STAFF,
}

#: The same routes pointed at the Spanish translation, its translator's thread and comment (every route with a
#: statement, thread or comment in its address). The translator works on this translation and nothing more.
TRANSLATION_ROUTE_ARGUMENTS = {"statement_id", "thread_id", "comment_id"}
TRANSLATOR_WORKS = {
    ("drafts.statement", "GET"), ("drafts.edit", "GET"), ("drafts.edit", "POST"), ("drafts.preview", "POST"),
    ("drafts.history", "GET"), ("drafts.revision", "GET"), ("drafts.compare", "GET"), ("drafts.restore", "POST"),
    ("comments.threads", "GET"), ("comments.new_thread", "GET"), ("comments.new_thread", "POST"),
    ("comments.thread", "GET"), ("comments.reply", "POST"), ("comments.resolve", "POST"),
    ("comments.reopen", "POST"), ("comments.edit_comment", "GET"), ("comments.edit_comment", "POST"),
    ("comments.delete_comment", "POST"),
    ("translating.paragraphs", "GET"), ("translating.mark_up_to_date", "POST"), ("translating.source_text", "GET"),
    ("suggestions.suggestions", "GET"), ("suggestions.new_suggestion", "GET"), ("suggestions.new_suggestion", "POST"),
    ("suggestions.tracked", "GET"),
}
#: the translation is visible to them, so a step they may not take is refused rather than hidden
TRANSLATOR_REFUSED = {
    ("drafts.details", "GET"), ("drafts.details", "POST"), ("drafts.transition", "POST"),
    ("drafts.comment_period", "GET"), ("drafts.comment_period", "POST"), ("signons.publish", "GET"),
    ("signons.correct", "GET"), ("signons.correct", "POST"),
    ("signons.open_signon", "GET"), ("signons.open_signon", "POST"), ("signons.moderation", "GET"),
    ("signons.decide", "POST"), ("signons.undo_decision", "POST"), ("signons.export", "GET"), ("signons.staff_add", "GET"),
    ("signons.staff_add", "POST"), ("signons.paper_entry", "GET"), ("signons.paper_save", "POST"),
    ("signons.paper_similar_names", "GET"), ("export.export", "GET"), ("export.export", "POST"), ("export.print_view", "GET"),
    ("translating.invite_translator", "POST"), ("translating.remove_translator", "POST"),
    ("signons.campaign_panel", "GET"), ("signons.campaign_goal", "POST"), ("signons.create_partner_link", "POST"),
    ("signons.switch_partner_link", "POST"), ("suggestions.accept_several", "POST"),
    ("consent.round_page", "GET"), ("consent.open_round", "GET"), ("consent.open_round", "POST"),
    ("consent.record_position", "POST"),
}
#: the translator opened the thread and wrote its comment: only its author (and staff) may change the comment,
#: only its author and the group's coordinators resolve the thread
ON_TRANSLATION_OVERRIDES = {
    ("comments.resolve", "POST"): {**GROUP_MANAGERS, "member": FORBID},
    ("comments.reopen", "POST"): {**GROUP_MANAGERS, "member": FORBID},
    ("comments.edit_comment", "GET"): {**GROUP_MANAGERS, "coordinator": FORBID},
    ("comments.edit_comment", "POST"): {**GROUP_MANAGERS, "coordinator": FORBID},
    ("comments.delete_comment", "POST"): {**GROUP_MANAGERS, "coordinator": FORBID},
    # a translation's own language is taken: nobody starts it again, and a translation has no translations
    ("translating.start", "GET"): {**dict.fromkeys(ROLES, HIDDEN), "anonymous": LOGIN},
    ("translating.start", "POST"): {**dict.fromkeys(ROLES, HIDDEN), "anonymous": LOGIN},
}


def on_translation(endpoint: str, method: str, role: str):
    """What a role gets from a route pointed at the Spanish translation."""
    expected = {**EXPECTATIONS[(endpoint, method)], **ON_TRANSLATION_OVERRIDES.get((endpoint, method), {})}
    if role != "translator":
        return expected[role]
    if (endpoint, method) in TRANSLATOR_WORKS:
        return ALLOW
    return FORBID if (endpoint, method) in TRANSLATOR_REFUSED else expected["translator"]

#: form fields sent with a POST, beyond the CSRF token, so the check reaches the permission that matters
FORM_DATA = {
    "talking_points.insert": lambda world: {"statement_id": world.statement_id},
}

NOT_CHECKED = {"static"}  # public files


def routes(app):
    """Yield (endpoint, method, rule) for every route the app serves."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_CHECKED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule


def url_for_rule(rule, world, on_translation: bool = False) -> str:
    """Fill a rule's arguments with objects of the home group (or made-up tokens); or, on_translation, with
    the Spanish translation, its translator's thread and comment."""
    values = {
        "group_id": world.group_id,
        "membership_id": world.membership_ids["member"],
        "invitation_id": world.invitation_id,
        "organization_id": world.organization_id,
        "user_id": world.user_ids["member"],
        "token": "made-up-token",
        "statement_id": world.statement_id,
        "number": 1,
        "point_id": world.point_id,
        "thread_id": world.thread_id,
        "comment_id": world.comment_id,
        "slug": world.signon_slug,
        "export_id": world.export_id,
        "position": 0,
        "grant_id": world.grant_id,
        "language": "es",
        "notification_id": 1,
        "message_id": getattr(world, "message_id", 0),
        "signon_id": getattr(world, "signon_id", 0),
        "kind": "svg",
        "suggestion_id": world.suggestion_id,
    }
    if on_translation:
        values |= {"statement_id": world.translation_id, "thread_id": world.translation_thread_id,
                   "comment_id": world.translation_comment_id}
    path = rule.rule
    for argument in rule.arguments:
        if argument not in values:
            raise AssertionError(f"no test value for <{argument}> in {rule.rule}: add one to url_for_rule")
        path = path.replace(f"<int:{argument}>", str(values[argument])).replace(f"<{argument}>", str(values[argument]))
    return path


def test_every_route_has_an_expectation(app):
    missing = sorted({(endpoint, method) for endpoint, method, _ in routes(app)} - set(EXPECTATIONS))
    assert not missing, f"routes without a permission expectation: {missing}"
    stale = sorted(set(EXPECTATIONS) - {(endpoint, method) for endpoint, method, _ in routes(app)})
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def _sent_to_login(response) -> bool:
    """Was the caller turned away to log in first (as opposed to, say, sent there after logging out)?"""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.split("?")[0].endswith("/login") and "next=" in location


def _sent_to_login_or_logged_out(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.split("?")[0].endswith("/login")


def _check(response, expected, label):
    status = response.status_code
    assert status < 500, f"{label}: crashed with {status}"
    if expected == ALLOW:
        assert status not in (401, 403, 404) and not _sent_to_login(response), \
            f"{label}: expected to be allowed, got {status} {response.headers.get('Location', '')}"
    elif expected == LOGIN:
        assert _sent_to_login_or_logged_out(response), f"{label}: expected a login redirect, got {status}"
    else:
        assert status == expected, f"{label}: expected {expected}, got {status}"


@pytest.fixture
def world_with_translator(app, world):
    from tests.factories import add_failed_mail, add_suggestion, add_translator, add_waiting_signon

    with app.app_context():
        world = add_suggestion(add_translator(world))
        world.message_id = add_failed_mail()
        world.signon_id = add_waiting_signon(world)
        return world


def _request(client, world, endpoint, method, url):
    if method == "GET":
        return client.get(url)
    extra = FORM_DATA[endpoint](world) if endpoint in FORM_DATA else {}
    return client.post(url, data={"csrf_token": client.csrf_token(), **extra})


def _allow_many_logins(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "1000 per minute")
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "1000 per minute")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_policy_says_on_every_route(app, make_client, world_with_translator, role,
                                                            monkeypatch):
    world = world_with_translator
    _allow_many_logins(app, monkeypatch)
    checked = 0
    for endpoint, method, rule in routes(app):
        client = make_client()  # a fresh session per request: a POST must not change the next check's caller
        if role != "anonymous":
            assert client.login(world.emails[role], PASSWORD).status_code == 302
        url = url_for_rule(rule, world)
        response = _request(client, world, endpoint, method, url)
        _check(response, EXPECTATIONS[(endpoint, method)][role], f"{role} {method} {url} ({endpoint})")
        checked += 1
    assert checked == len(list(routes(app))) >= len(EXPECTATIONS)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_policy_says_on_a_translation_s_routes(app, make_client, world_with_translator,
                                                                      role, monkeypatch):
    world = world_with_translator
    _allow_many_logins(app, monkeypatch)
    checked = 0
    for endpoint, method, rule in routes(app):
        if not TRANSLATION_ROUTE_ARGUMENTS & set(rule.arguments):
            continue
        client = make_client()
        if role != "anonymous":
            assert client.login(world.emails[role], PASSWORD).status_code == 302
        url = url_for_rule(rule, world, on_translation=True)
        response = _request(client, world, endpoint, method, url)
        _check(response, on_translation(endpoint, method, role), f"{role} {method} {url} ({endpoint}, translation)")
        checked += 1
    assert checked >= 40


# --- reading across the network ----------------------------------------------------------------------
#: while the home statement's comment period is open to the network, a member of another group (the outsider)
#: reads it and comments as an observer would, and is refused what else an observer may do (print, translate);
#: the rest of the group's work stays out of their sight
NETWORK_READS = {
    ("drafts.statement", "GET"), ("drafts.history", "GET"), ("drafts.revision", "GET"), ("drafts.compare", "GET"),
    ("comments.threads", "GET"), ("comments.new_thread", "GET"), ("comments.new_thread", "POST"),
    ("comments.thread", "GET"), ("comments.reply", "POST"), ("translating.translations", "GET"),
    ("translating.source_text", "GET"), ("translating.paragraphs", "GET"),  # on a source: send to its page
    ("suggestions.suggestions", "GET"), ("suggestions.new_suggestion", "GET"), ("suggestions.new_suggestion", "POST"),
    ("suggestions.suggestion", "GET"), ("suggestions.support", "POST"), ("suggestions.tracked", "GET"),
}
STATEMENT_ROUTE_ARGUMENTS = {"statement_id", "thread_id", "comment_id", "suggestion_id"}


def open_to_network(endpoint: str, method: str, role: str):
    """What a role gets from a route on the home statement while its comment period is open to the network."""
    if role != "outsider":
        return EXPECTATIONS[(endpoint, method)][role]
    if (endpoint, method) in NETWORK_READS:
        return ALLOW
    as_observer = EXPECTATIONS[(endpoint, method)]["observer"]
    return FORBID if as_observer == ALLOW else as_observer


def _open_home_statement_to_network(world, open_: bool = True) -> None:
    from statements.accounts.models import User
    from statements.drafts import services as drafts
    from statements.drafts.models import Statement
    from statements.extensions import db

    statement = db.session.get(Statement, world.statement_id)
    drafts.transition(db.session.get(User, world.user_ids["coordinator"]), statement, "comment_period")
    statement.open_to_network = True
    if not open_:  # the period ends: back to a draft, still marked open to the network for its next period
        drafts.transition(db.session.get(User, world.user_ids["coordinator"]), statement, "draft")
    db.session.commit()


@pytest.mark.parametrize("period_open", [True, False], ids=["period open", "period over"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_a_statement_open_to_the_network(app, make_client, world_with_translator, role, period_open,
                                                      monkeypatch):
    world = world_with_translator
    with app.app_context():
        _open_home_statement_to_network(world, period_open)
    _allow_many_logins(app, monkeypatch)
    checked = 0
    for endpoint, method, rule in routes(app):
        if not STATEMENT_ROUTE_ARGUMENTS & set(rule.arguments) or "slug" in rule.arguments:
            continue
        client = make_client()
        if role != "anonymous":
            assert client.login(world.emails[role], PASSWORD).status_code == 302
        url = url_for_rule(rule, world)
        response = _request(client, world, endpoint, method, url)
        expected = open_to_network(endpoint, method, role) if period_open else EXPECTATIONS[(endpoint, method)][role]
        _check(response, expected, f"{role} {method} {url} ({endpoint}, open to the network)")
        checked += 1
    assert checked >= 40
