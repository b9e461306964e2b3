"""The web address check of the forms (`core.forms.WebAddress`) gives the verdict WTForms' own URL check gives,
asking whether a host is an IP address only when it may be one."""

import pytest
from wtforms.validators import URL, IPAddress

from statements.core.forms import WebAddress
from tests.factories import refusal_of

ADDRESSES = [
    "https://trabajadoras.example.gt", "http://www.example.org/about?x=1#top", "https://EXAMPLE.ORG",
    "https://sub.domain.example.co.uk:8443/path", "https://xn--mnchen-3ya.de/", "https://münchen.de/",
    "https://ejemplo.org.gt/página", "https://intranet/", "https://localhost", "https://example", "https://example.1",
    "https://exa_mple.org", "https://-bad-.org", "https://" + "a" * 64 + ".org", "https://a..org",
    "http://192.168.0.10/", "http://10.0.0.1:8080/x", "http://[2001:db8::1]/", "http://[::1]:80/",
    "http://300.1.1.1/", "http://1.2.3/", "http://1.2.3.4.5/", "https://1.2.3.org", "https://user:pass@example.org",
    "https://example.org:notaport/", "ftp://example.org/", "www.example.org", "https://", "", "not a web address",
]


def _accepts(check, address: str) -> bool:
    return refusal_of(check, address) is None


def _wtforms_verdict(address: str) -> bool:
    """WTForms' URL check with a host name's ending required, for an address starting http:// or https://."""
    return address.startswith(("http://", "https://")) and _accepts(URL(require_tld=True), address)


@pytest.mark.parametrize("address", ADDRESSES)
def test_each_address_gets_the_verdict_wtforms_gives_it(address):
    assert _accepts(WebAddress(), address) is _wtforms_verdict(address)


def test_the_verdicts_include_both_answers():
    verdicts = {_wtforms_verdict(address) for address in ADDRESSES}
    assert verdicts == {True, False}


def test_a_host_name_is_not_parsed_as_an_ip_address_but_an_ip_address_is(monkeypatch):
    asked = []
    for name in ("check_ipv4", "check_ipv6"):
        original = getattr(IPAddress, name).__func__
        monkeypatch.setattr(IPAddress, name, classmethod(
            lambda cls, value, original=original: asked.append(value) or original(cls, value)))
    assert _accepts(WebAddress(), "https://www.example.org/about")
    assert asked == []
    assert _accepts(WebAddress(), "http://192.168.0.10/")
    assert _accepts(WebAddress(), "http://[2001:db8::1]/")
    assert asked[0] == "192.168.0.10" and "2001:db8::1" in asked
