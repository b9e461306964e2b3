"""People invited to translate one statement into one language: invited by its coordinators, they work on
that translation and see nothing else of the working group."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from statements.accounts.models import Invitation, TranslatorGrant, User
from statements.core.db import utcnow
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.drafts.pages import flashes, hidden
from tests.factories import PASSWORD, add_translator, make_user

NEW_PASSWORD = "olive tree at dawn"


@pytest.fixture
def tworld(app, world):
    with app.app_context():
        return add_translator(world)


def logged_in(make_client, email, password=PASSWORD):
    client = make_client()
    assert client.login(email, password).status_code == 302
    return client


def invite(client, statement_id, email, language="es"):
    token = hidden(client.get(f"/statements/{statement_id}/translations").get_data(as_text=True),
                   "translator-csrf_token")
    return client.post(f"/statements/{statement_id}/translators",
                       data={"translator-csrf_token": token, "translator-email": email, "translator-language": language})


def set_language(app, email, language):
    with app.app_context():
        db.session.scalar(select(User).where(User.email_normalized == email)).language = language
        db.session.commit()


def grants(app, **where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(TranslatorGrant).filter_by(**where))


def outbox_to(app, address):
    with app.app_context():
        return db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)).all()


def accept(client, link, name="Ana Traductora"):
    token = hidden(client.get(link).get_data(as_text=True), "csrf_token")
    return client.post(link, data={"csrf_token": token, "display_name": name, "password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD})


# --- inviting ---------------------------------------------------------------------------------------

def test_an_unknown_address_gets_an_invitation_and_on_accepting_the_one_translation(app, make_client, tworld,
                                                                                     mailbox):
    coordinator = logged_in(make_client, tworld.emails["coordinator"])
    set_language(app, tworld.emails["coordinator"], "fr")  # the mail speaks the inviting person's language
    response = invite(coordinator, tworld.statement_id, "Ana@Example.org")
    assert response.status_code == 302 and response.headers["Location"].endswith("#translators")
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation envoyée à Ana@Example.org" in " ".join(flashes(page))
    assert "Ana@Example.org" in page and "Invitation envoyée, pas encore acceptée" in page

    assert mailbox.deliver()["sent"] == 1
    [message] = mailbox.to("Ana@Example.org")
    assert message["Subject"] == "Vous êtes invité·e à traduire « Climate displacement needs protection »"
    assert "en espagnol" in mailbox.body(message)
    link = mailbox.link_in(message, "/invitations/")

    translator = make_client()
    assert "Coordinator Person" in translator.get(link).get_data(as_text=True)
    response = accept(translator, link)
    assert response.headers["Location"] == f"/statements/{tworld.statement_id}/translate/es"
    response = translator.get(response.headers["Location"])
    assert response.headers["Location"] == f"/statements/{tworld.translation_id}/paragraphs"
    home = translator.get("/").get_data(as_text=True)
    assert "Translations you are invited to" in home and "El desplazamiento climático" in home

    # a second use of the link, and the link after it expired, are answered in words
    again = make_client().get(link)
    assert again.status_code == 400 and "This invitation has already been used" in again.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email_normalized == "ana@example.org"))
        assert user.memberships == [] and [(g.statement_id, g.language) for g in user.translator_grants] == \
            [(tworld.statement_id, "es")]


def test_an_existing_account_gets_access_at_once_and_a_mail_in_its_own_language(app, make_client, tworld, mailbox):
    with app.app_context():
        make_user("fatima@example.org", "Fatima").language = "ar"
        db.session.commit()
    coordinator = logged_in(make_client, tworld.emails["coordinator"])
    response = invite(coordinator, tworld.statement_id, "fatima@example.org", "fr")
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "fatima@example.org has an account: they can translate into French now" in " ".join(flashes(page))
    assert "Has access" in page
    assert mailbox.deliver()["sent"] == 1
    [message] = mailbox.to("fatima@example.org")
    assert "Climate displacement needs protection" in message["Subject"] and "ترجمة" in message["Subject"]
    assert f"/statements/{tworld.statement_id}/translate/fr" in mailbox.body(message)

    # French is not started yet: the translator gives it its title and writes it
    fatima = logged_in(make_client, "fatima@example.org")
    start = f"/statements/{tworld.statement_id}/translate/fr"
    form = fatima.get(start)
    assert form.status_code == 200
    empty = fatima.post(start, data={"csrf_token": hidden(form.get_data(as_text=True), "csrf_token"), "title": ""})
    assert empty.status_code == 400
    response = fatima.post(start, data={"csrf_token": hidden(form.get_data(as_text=True), "csrf_token"),
                                        "title": "Le déplacement climatique"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    with app.app_context():
        french = db.session.scalar(select(Statement).where(Statement.language == "fr"))
        assert french.source_id == tworld.statement_id and french.title == "Le déplacement climatique"
    # but not another language
    assert fatima.get(f"/statements/{tworld.statement_id}/translate/pt").status_code == 404


def test_the_invite_form_sent_twice_gives_one_access_and_one_mail(app, make_client, tworld, mailbox):
    coordinator = logged_in(make_client, tworld.emails["coordinator"])
    first = invite(coordinator, tworld.statement_id, "ana@example.org")
    second = invite(coordinator, tworld.statement_id, "ANA@example.org ")
    assert first.status_code == second.status_code == 302
    page = coordinator.get(second.headers["Location"]).get_data(as_text=True)
    assert "ANA@example.org is already invited to translate into Spanish. Nothing more was sent." in flashes(page)
    assert grants(app, statement_id=tworld.statement_id, user_id=None) == 1
    assert len(outbox_to(app, "ana@example.org")) == 1
    # the same for an account that already has access
    invite(coordinator, tworld.statement_id, tworld.emails["translator"])
    assert grants(app, statement_id=tworld.statement_id, language="es") == 2
    assert outbox_to(app, tworld.emails["translator"]) == []


@pytest.mark.parametrize("email, language, message", [
    ("", "es", "Enter an email address."),
    ("not-an-address", "es", "Enter an email address like name@example.org."),
    ("a" * 300 + "@example.org", "es", "An email address can be at most 254 characters."),
    ("ana@example.org", "en", "Choose a language the statement is not written in."),
    ("ana@example.org", "x" * 5000, "Choose a language the statement is not written in."),
    ("member@example.org", "es", "Member Person can already edit this statement and its translations."),
])
def test_a_bad_invitation_is_refused_by_the_field(app, make_client, tworld, email, language, message):
    coordinator = logged_in(make_client, tworld.emails["coordinator"])
    response = invite(coordinator, tworld.statement_id, email, language)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert grants(app, user_id=None) == 0


def test_removing_a_translator_ends_their_access_at_once(app, make_client, tworld):
    translator = logged_in(make_client, tworld.emails["translator"])
    assert translator.get(f"/statements/{tworld.translation_id}/edit").status_code == 200
    coordinator = logged_in(make_client, tworld.emails["coordinator"])
    remove = f"/statements/{tworld.statement_id}/translators/{tworld.grant_id}/remove"
    response = coordinator.submit(remove)
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Traductora Invitada can no longer work on this statement's translation." in flashes(page)
    assert "Nobody is invited to translate this statement yet." in page
    for path in ("", "/edit", "/paragraphs", "/source", "/threads"):
        assert translator.get(f"/statements/{tworld.translation_id}{path}").status_code == 404
    assert translator.get(f"/threads/{tworld.translation_thread_id}").status_code == 404
    assert "Translations you are invited to" not in translator.get("/").get_data(as_text=True)
    again = coordinator.submit(remove, follow_redirects=True)  # a second press, or another coordinator's
    assert again.status_code == 200
    assert "That translator is no longer invited to this statement: nothing to remove." in flashes(
        again.get_data(as_text=True))


def test_a_withdrawn_or_expired_invitation_link_says_what_to_do(app, make_client, tworld, mailbox):
    coordinator = logged_in(make_client, tworld.emails["coordinator"])
    invite(coordinator, tworld.statement_id, "ana@example.org")
    invite(coordinator, tworld.statement_id, "bea@example.org", "fr")
    mailbox.deliver()
    ana = mailbox.link_in(mailbox.to("ana@example.org")[0], "/invitations/")
    bea = mailbox.link_in(mailbox.to("bea@example.org")[0], "/invitations/")
    with app.app_context():
        grant = db.session.scalar(select(TranslatorGrant).join(Invitation, TranslatorGrant.invitation_id == Invitation.id)
                                  .where(Invitation.email_normalized == "ana@example.org"))
        grant_id = grant.id
        db.session.scalar(select(Invitation).where(Invitation.email_normalized == "bea@example.org")).expires_at = \
            utcnow() - timedelta(minutes=1)
        db.session.commit()
    coordinator.submit(f"/statements/{tworld.statement_id}/translators/{grant_id}/remove")
    for link, words in ((ana, "This invitation to translate was withdrawn."),
                        (bea, "This invitation has expired. Ask the person who invited you to send a new one.")):
        response = make_client().get(link)
        assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert "Invitation expired" in coordinator.get(f"/statements/{tworld.statement_id}/translations").get_data(
        as_text=True)
    # inviting the same address again replaces the expired invitation
    invite(coordinator, tworld.statement_id, "bea@example.org", "fr")
    assert grants(app, statement_id=tworld.statement_id, language="fr") == 1


def test_only_the_statement_s_coordinators_and_staff_invite_or_remove(app, make_client, tworld):
    for role, status in (("member", 403), ("observer", 403), ("outsider", 404), ("translator", 404)):
        client = logged_in(make_client, tworld.emails[role])
        page = client.get(f"/statements/{tworld.statement_id}/translations")
        assert "Invite a translator" not in page.get_data(as_text=True)
        form = {"csrf_token": client.csrf_token(), "translator-email": "ana@example.org", "translator-language": "fr"}
        assert client.post(f"/statements/{tworld.statement_id}/translators", data=form).status_code == status
        assert client.submit(f"/statements/{tworld.statement_id}/translators/{tworld.grant_id}/remove").status_code \
            == status
    assert grants(app) == 1
    # a grant removed through another statement's address is not touched
    admin = logged_in(make_client, tworld.emails["admin"])
    with app.app_context():
        other = db.session.scalar(select(Statement).where(Statement.id != tworld.statement_id,
                                                          Statement.source_id.is_(None)))
    response = admin.submit(f"/statements/{other.id}/translators/{tworld.grant_id}/remove", follow_redirects=True)
    assert "nothing to remove" in response.get_data(as_text=True) and grants(app) == 1


# --- what an invited translator may do, and only that ---------------------------------------------

def test_a_translator_drafts_comments_and_marks_paragraphs_on_their_translation(app, make_client, tworld):
    translator = logged_in(make_client, tworld.emails["translator"])
    edit = translator.get(f"/statements/{tworld.translation_id}/edit").get_data(as_text=True)
    response = translator.post(f"/statements/{tworld.translation_id}/edit", data={
        "csrf_token": hidden(edit, "csrf_token"), "base": hidden(edit, "base"),
        "source_base": hidden(edit, "source_base"), "action": "save", "note": "Segundo párrafo",
        "text": "Las personas desplazadas por el clima necesitan protección.\n\n"
                "Las personas desplazadas por el clima necesitan protección legal ya."})
    assert response.status_code == 302
    with app.app_context():
        translation = db.session.get(Statement, tworld.translation_id)
        assert translation.latest_number == 3 and drafts.latest_revision(translation).author.email == \
            tworld.emails["translator"]
    page = translator.get(f"/statements/{tworld.translation_id}").get_data(as_text=True)
    assert "Climate and Displacement" not in page  # the group is not named, nor linked
    assert f"/groups/{tworld.group_id}" not in page and "/translations" not in page
    assert f"/statements/{tworld.translation_id}/source" in page
    source = translator.get(f"/statements/{tworld.translation_id}/source").get_data(as_text=True)
    assert "People displaced by climate change need legal protection now." in source
    for path in (f"/statements/{tworld.translation_id}/history", f"/statements/{tworld.translation_id}/compare",
                 f"/statements/{tworld.translation_id}/paragraphs", f"/threads/{tworld.translation_thread_id}"):
        assert translator.get(path).status_code == 200, path
    response = translator.submit(f"/threads/{tworld.translation_thread_id}/replies", {"body": "Mejor *merecen*."})
    assert response.status_code == 302


def test_a_translator_sees_nothing_else_of_the_group(app, make_client, tworld):
    with app.app_context():
        coordinator = db.session.get(User, tworld.user_ids["coordinator"])
        from statements.translating.services import start_translation
        french = start_translation(coordinator, db.session.get(Statement, tworld.statement_id), "fr", "Le titre")
        db.session.commit()
        french_id = french.id
    translator = logged_in(make_client, tworld.emails["translator"])
    hidden_paths = [f"/groups/{tworld.group_id}", f"/groups/{tworld.group_id}/points",
                    f"/points/{tworld.point_id}", f"/statements/{tworld.statement_id}",
                    f"/statements/{tworld.statement_id}/translations", f"/statements/{french_id}",
                    f"/statements/{french_id}/paragraphs", f"/statements/{french_id}/translations",
                    f"/statements/{tworld.translation_id}/translations", f"/threads/{tworld.thread_id}"]
    for path in hidden_paths:
        assert translator.get(path).status_code == 404, path
    for path in (f"/statements/{tworld.translation_id}/print", f"/statements/{tworld.translation_id}/export",
                 f"/statements/{tworld.translation_id}/details"):
        assert translator.get(path).status_code == 403, path
    response = translator.submit(f"/statements/{tworld.translation_id}/transition", {"to": "comment_period"})
    assert response.status_code == 403
    assert "Climate and Displacement" not in translator.get("/groups").get_data(as_text=True)
