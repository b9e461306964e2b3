"""Emails about comments: replies reach the thread's earlier participants and mentions reach the
member named, through the outbox and a real SMTP server, unless they turned such emails off; each with a one-click unsubscribe."""

from statements.accounts.models import WorkingGroup
from statements.core.policy import Role
from statements.extensions import db
from tests.comments.pages import comment_count, flashes, outbox, stored_thread, text_of
from tests.factories import make_membership, make_user

TITLE = "Climate displacement needs protection"


def reply(client, world, body: str):
    response = client.submit(f"/threads/{world.thread_id}/replies", {"body": body})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def logged_in(make_client, email: str):
    client = make_client()
    client.login(email)
    return client


def subject(message) -> str:
    """Return the subject as a reader sees it (a long encoded subject may come back with a doubled space)."""
    return " ".join(message["Subject"].split())


def recipients(mailbox) -> list[str]:
    return sorted(m["To"] for m in mailbox.messages)


def test_a_reply_emails_the_earlier_participants_but_not_its_writer(app, world, mailbox, make_client):
    observer = logged_in(make_client, world.emails["observer"])
    reply(observer, world, "I agree with the question.")
    assert [m["to"] for m in outbox(app)] == [world.emails["member"]]  # waits in the outbox
    assert mailbox.messages == []
    mailbox.deliver()
    mailbox.messages.clear()

    coordinator = logged_in(make_client, world.emails["coordinator"])
    reply(coordinator, world, "Legal protection is the **ask**.")
    assert mailbox.deliver() == {"sent": 2, "failed": 0}

    assert recipients(mailbox) == sorted([world.emails["member"], world.emails["observer"]])
    [message] = mailbox.to(world.emails["member"])
    assert subject(message) == f"Coordinator Person replied in a thread you took part in on “{TITLE}”"
    body = mailbox.body(message)
    assert "Hello Member Person," in body
    assert "Legal protection is the **ask**." in body
    link = mailbox.link_in(message, "/threads/")
    assert link == f"/threads/{world.thread_id}"
    member = logged_in(make_client, world.emails["member"])
    page = member.get(link)
    assert page.status_code == 200
    assert "Legal protection is the <strong>ask</strong>." in page.get_data(as_text=True)
    assert mailbox.link_in(message, "/account").startswith("/account")
    assert all(m["status"] == "sent" for m in outbox(app))


def test_a_mention_emails_the_member_named_even_if_not_in_the_thread(app, world, mailbox, make_client):
    with app.app_context():
        mateus = make_user("mateus@example.org", "Mateus da Silva")
        make_membership(mateus, db.session.get(WorkingGroup, world.group_id), Role.MEMBER)
        db.session.commit()
    coordinator = logged_in(make_client, world.emails["coordinator"])

    reply(coordinator, world, "@mateusdasilva, you drafted this part: what do you think?")
    mailbox.deliver()

    assert recipients(mailbox) == sorted(["mateus@example.org", world.emails["member"]])
    [message] = mailbox.to("mateus@example.org")
    assert subject(message) == f"Coordinator Person mentioned you on “{TITLE}”"
    assert mailbox.link_in(message, "/threads/") == f"/threads/{world.thread_id}"


def test_a_mention_at_the_end_of_a_sentence_reaches_the_member(app, world, mailbox, make_client):
    member = logged_in(make_client, world.emails["member"])

    reply(member, world, "Over to you, @CoordinatorPerson.")
    mailbox.deliver()

    [message] = mailbox.to(world.emails["coordinator"])
    assert subject(message) == f"Member Person mentioned you on “{TITLE}”"


def test_a_new_thread_emails_only_those_it_mentions(app, world, mailbox, make_client):
    member = logged_in(make_client, world.emails["member"])

    response = member.submit(f"/statements/{world.statement_id}/threads/new",
                             {"body": "@ObserverPerson could you check the title?"})
    assert response.status_code == 302
    mailbox.deliver()

    assert recipients(mailbox) == [world.emails["observer"]]


def test_a_mention_of_someone_outside_the_group_sends_nothing(app, world, mailbox, make_client):
    coordinator = logged_in(make_client, world.emails["coordinator"])

    reply(coordinator, world, "Ask @OutsiderPerson and @AdminPerson about this.")
    mailbox.deliver()

    assert recipients(mailbox) == [world.emails["member"]]  # only the participant
    assert mailbox.to(world.emails["outsider"]) == []


def test_a_member_who_turned_comment_emails_off_gets_none(app, world, mailbox, make_client):
    member = logged_in(make_client, world.emails["member"])
    response = member.submit("/account/notifications", {"mention": "off", "reply": "off"})
    page = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your choices of emails are saved." in flashes(page)
    assert 'id="mention-off" value="off" checked' in page and 'id="reply-off" value="off" checked' in page
    coordinator = logged_in(make_client, world.emails["coordinator"])

    reply(coordinator, world, "A reply, and a mention too: @MemberPerson")
    mailbox.deliver()

    assert mailbox.to(world.emails["member"]) == []
    assert [m["to"] for m in outbox(app)] == []

    member.submit("/account/notifications", {"mention": "now", "reply": "now"})
    reply(coordinator, world, "Now you hear of it, @MemberPerson.")
    mailbox.deliver()
    assert len(mailbox.to(world.emails["member"])) == 1


def test_the_email_is_written_in_the_same_transaction_as_the_comment(app, world, mailbox, make_client,
                                                                    monkeypatch):
    coordinator = logged_in(make_client, world.emails["coordinator"])
    comments_before, mail_before = comment_count(app), outbox(app)

    def refuse():
        raise RuntimeError("the database went away before the commit")

    monkeypatch.setattr(db.session, "commit", refuse)
    response = coordinator.submit(f"/threads/{world.thread_id}/replies", {"body": "@MemberPerson lost words"})
    monkeypatch.undo()

    assert response.status_code == 500
    assert "Something went wrong on our side" in text_of(response.get_data(as_text=True))
    assert comment_count(app) == comments_before
    assert outbox(app) == mail_before
    assert mailbox.deliver() == {"sent": 0, "failed": 0}
    assert len(stored_thread(app, world.thread_id)["comments"]) == 1
