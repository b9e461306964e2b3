"""The email address check of the forms (`core.forms.EmailAddress`) gives email_validator's verdict: an address is
taken without it only when email_validator takes it too, and every other goes to email_validator."""

import random

import pytest
from email_validator import EmailNotValidError, validate_email

from statements.core.forms import EmailAddress, plainly_valid_address
from tests.factories import refusal_of

#: the characters of an address's two parts, and the ones that make a plain address something else
_LOCAL = "abcxyzABCXYZ0189!#$%&'*+/=?^_`{|}~-"
_HOST = "abcxyzABCXYZ0189-"
_ODD = ".@ \"<>()[],;:\\é中\u0000\t"
_ENDINGS = ["org", "gt", "co.uk", "com", "1", "a1", "x-y", "local", "localhost", "test", "onion", "arpa", "invalid",
            "example", "xn--p1ai", "ab--cd", "ORG", "Local"]

#: addresses at the edges of what email_validator takes, each said here plainly
EDGES = [
    "maria.lopez@red-clima.org", "MARIA@RED.ORG", "o'brien@example.ie", "a+tag@sub.example.co.uk",
    "x@y.io", "a@b.c", "a@b.1", "a@1.b", "a@b-.org", "a@-b.org", "a@b--c.org", "a@xn--mnchen-3ya.de",
    "a@b.local", "a@b.LOCAL", "a@localhost", "a@b.test", "a@onion", "a@b.arpa", "a@example", "a@b.invalid",
    "a..b@c.org", ".a@c.org", "a.@c.org", "@c.org", "a@", "a@@c.org", "a b@c.org", " a@c.org", "a@c.org ",
    "a@c.org\n", "\"a b\"@c.org", "Name <a@c.org>", "a@[127.0.0.1]", "señor@c.org", "a@münchen.de", "a@c..org",
    "a@.c.org", "a@c.org.", "a@" + "b" * 63 + ".org", "a@" + "b" * 64 + ".org",
    "a" * 64 + "@c.org", "a" * 65 + "@c.org", "a@" + ".".join(["b" * 63] * 3) + "." + "c" * 61,
    "a" * 200 + "@" + "b" * 40 + ".org", "a" * 201 + "@" + "b" * 49 + ".org", "a" * 202 + "@" + "b" * 49 + ".org",
    "a\u0000@c.org", "", "a", "@",
]


def _email_validators_verdict(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _random_address(rng: random.Random) -> str:
    def part(alphabet: str, longest: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))

    local = ".".join(part(_LOCAL, 12) for _ in range(rng.randint(1, 3)))
    labels = [part(_HOST, rng.choice([3, 10, 70])) for _ in range(rng.randint(0, 3))]
    address = local + "@" + ".".join(labels + [rng.choice(_ENDINGS)])
    if rng.random() < 0.1:  # a character out of place somewhere
        at = rng.randint(0, len(address))
        address = address[:at] + rng.choice(_ODD) + address[at:]
    if rng.random() < 0.05:  # near the longest address
        address = "a" * rng.randint(180, 250) + address
    return address


@pytest.mark.parametrize("address", EDGES)
def test_an_address_at_the_edges_is_taken_plainly_only_when_email_validator_takes_it(address):
    if plainly_valid_address(address):
        assert _email_validators_verdict(address), address


def test_no_random_address_is_taken_plainly_that_email_validator_refuses():
    rng = random.Random(2026)
    plain = refused = 0
    for _ in range(20_000):
        address = _random_address(rng)
        if plainly_valid_address(address):
            plain += 1
            assert _email_validators_verdict(address), address
        elif not _email_validators_verdict(address):
            refused += 1
    assert plain > 2_000 and refused > 10_000  # (both kinds were tried, in numbers)


@pytest.mark.parametrize("address", ["maria.lopez@red-clima.org", "juan.perez42@gmail.com", "o'brien@example.ie",
                                     "info@ngo.org.br", "CONTACT@Example.ORG", "a+news@sub.example.co.uk"])
def test_everyday_addresses_are_taken_plainly(address):
    assert plainly_valid_address(address)


@pytest.mark.parametrize("address", EDGES + [None])
def test_the_forms_check_gives_email_validators_verdict_with_its_message(address):
    check = EmailAddress("Enter an email address like name@example.org.", check_deliverability=False)
    taken = address is not None and _email_validators_verdict(address)
    assert refusal_of(check, address) == (None if taken else "Enter an email address like name@example.org.")


def test_an_address_whose_domain_must_receive_mail_is_always_asked_of_email_validator(monkeypatch):
    import email_validator

    def no_mail_there(address, **options):
        raise EmailNotValidError("The domain name red-clima.org does not accept email.")

    monkeypatch.setattr(email_validator, "validate_email", no_mail_there)
    check = EmailAddress("Enter an email address like name@example.org.", check_deliverability=True)
    assert refusal_of(check, "maria.lopez@red-clima.org") == "Enter an email address like name@example.org."


def test_email_validators_strict_mode_is_left_to_it(monkeypatch):
    import email_validator

    long_local_part = "a" * 65 + "@red-clima.org"
    assert plainly_valid_address(long_local_part)
    monkeypatch.setattr(email_validator, "STRICT", True)
    assert not plainly_valid_address(long_local_part)
    assert not _email_validators_verdict(long_local_part)
