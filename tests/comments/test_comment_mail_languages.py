"""Comment mails go out in each recipient's language (their account's choice, else English),
whatever language the writer uses."""

from statements.accounts.models import User
from statements.extensions import db

TITLE = "Climate displacement needs protection"


def choose_language(app, user_id: int, language: str | None) -> None:
    with app.app_context():
        db.session.get(User, user_id).language = language
        db.session.commit()


def subject(message) -> str:
    return " ".join(message["Subject"].split())


def test_a_reply_mail_speaks_each_recipient_s_language_not_the_writer_s(app, world, mailbox, make_client):
    choose_language(app, world.user_ids["member"], "es")
    choose_language(app, world.user_ids["observer"], "ar")
    observer = make_client()
    observer.login(world.emails["observer"])
    observer.submit(f"/threads/{world.thread_id}/replies", {"body": "Estoy de acuerdo."})
    mailbox.deliver()
    mailbox.messages.clear()

    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    response = coordinator.submit(f"/threads/{world.thread_id}/replies",
                                  {"body": "La protección legal es **lo que pedimos**."},
                                  headers={"Accept-Language": "fr"})
    assert response.status_code == 302
    assert mailbox.deliver() == {"sent": 2, "failed": 0}

    [spanish] = mailbox.to(world.emails["member"])
    assert subject(spanish) == f"Coordinator Person respondió en un hilo en el que participaste, en «{TITLE}»"
    body = mailbox.body(spanish)
    assert body.startswith("Hola, Member Person:")
    assert f"Coordinator Person respondió en un hilo en el que participaste, en «{TITLE}»:" in body
    assert "Leer y responder:" in body
    assert "Recibes este correo porque participas en el grupo de trabajo «Climate and Displacement»." in body
    assert "La protección legal es **lo que pedimos**." in body
    assert mailbox.link_in(spanish, "/threads/") == f"/threads/{world.thread_id}"

    [arabic] = mailbox.to(world.emails["observer"])
    assert subject(arabic) == f"ردّ Coordinator Person في نقاش شاركت فيه حول «{TITLE}»"
    assert "مرحبًا Observer Person،" in mailbox.body(arabic)
    assert "Bonjour" not in mailbox.body(arabic) + mailbox.body(spanish)  # never the writer's language


def test_a_mention_reaches_someone_without_a_choice_in_english(app, world, mailbox, make_client):
    member = make_client()
    member.login(world.emails["member"])
    member.submit(f"/threads/{world.thread_id}/replies", {"body": "@ObserverPerson, ¿qué opinas?"},
                  headers={"Accept-Language": "es"})
    mailbox.deliver()
    [message] = mailbox.to(world.emails["observer"])
    assert subject(message) == f"Member Person mentioned you on “{TITLE}”"
    assert "Hello Observer Person," in mailbox.body(message)
    assert "Read and reply:" in mailbox.body(message)
