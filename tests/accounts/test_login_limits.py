"""Failed logins are slowed per account and address, and per account from everywhere, without an
attacker being able to lock the owner out: the owner logs in from their own address, or resets the
password by email, which starts the counts again."""

from limits import parse_many

from tests.accounts.test_passwords import NEW_PASSWORD, choose, reset_link
from tests.factories import PASSWORD

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"
LIMITED = "Too many failed logins for this account. Wait 15 minutes and try again, or reset your password by email"


def from_address(make_client, address: str):
    """A browser on another machine: requests come from this address."""
    client = make_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def guess(client, email: str, times: int) -> list[int]:
    return [client.login(email, f"guess number {n}").status_code for n in range(times)]


def test_failed_logins_for_one_account_from_one_address_are_limited(make_client, world):
    attacker = from_address(make_client, ATTACKER)
    assert guess(attacker, world.emails["member"], 9) == [400] * 8 + [429]
    refused = attacker.login(world.emails["member"])  # from there, the right password waits too
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert LIMITED in page
    assert 'href="/password/forgot"' in page  # the way out is on the page
    assert 'value="member@example.org"' in page
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600  # seconds until the limit's window ends
    assert "X-RateLimit-Remaining" not in refused.headers  # (a round trip to the counts per request, read by none)
    assert attacker.get("/account").status_code == 302


def test_an_attacker_failing_logins_does_not_lock_the_owner_out(make_client, world):
    attacker = from_address(make_client, ATTACKER)
    assert guess(attacker, world.emails["member"], 12)[-1] == 429
    owner = from_address(make_client, OWNER)
    assert owner.login(world.emails["member"]).status_code == 302
    assert owner.get("/account").status_code == 200
    # the limit is for that account: another person behind the attacker's address still logs in
    assert attacker.login(world.emails["observer"]).status_code == 302


def test_logging_in_successfully_is_not_counted_as_a_failure(make_client, world):
    owner = from_address(make_client, OWNER)
    for _ in range(10):
        assert owner.login(world.emails["member"]).status_code == 302
        owner.submit("/logout")


def test_the_limit_for_an_account_from_everywhere_is_high_and_a_password_reset_ends_it(app, make_client, world,
                                                                                       mailbox):
    [per_account] = parse_many(app.config["LOGIN_LIMIT_PER_ACCOUNT"])
    assert per_account.amount >= 50 and per_account.get_expiry() <= 3600  # high: it takes many addresses
    failures, number = [], 0
    while len(failures) < per_account.amount:  # each address stays under its own limit
        number += 1
        failures += guess(from_address(make_client, f"192.0.2.{number}"), world.emails["member"], 5)
    assert set(failures) == {400}

    owner = from_address(make_client, OWNER)
    refused = owner.login(world.emails["member"])
    assert refused.status_code == 429
    assert "Too many failed logins for this account. Wait 60 minutes and try again, or reset your password" \
        in refused.get_data(as_text=True)

    link = reset_link(owner, mailbox, world.emails["member"])  # the reset form is not held by the login limit
    assert choose(owner, link).status_code == 302
    assert owner.login(world.emails["member"], NEW_PASSWORD).status_code == 302
    assert owner.get("/account").status_code == 200


def test_a_password_reset_ends_the_wait_at_the_limited_address_too(make_client, world, mailbox):
    shared_office = from_address(make_client, ATTACKER)
    assert guess(shared_office, world.emails["member"], 9)[-1] == 429
    link = reset_link(shared_office, mailbox, world.emails["member"])
    assert choose(shared_office, link).status_code == 302
    assert shared_office.login(world.emails["member"], PASSWORD).status_code == 400  # the old one is gone
    assert shared_office.login(world.emails["member"], NEW_PASSWORD).status_code == 302


def test_an_address_no_account_can_have_is_counted_without_a_crash(make_client, world):
    visitor = from_address(make_client, ATTACKER)
    for email in ("member\x00@example.org", "no at sign", "a" * 300 + "@example.org"):
        response = visitor.login(email)
        assert response.status_code == 400, email
