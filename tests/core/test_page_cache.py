"""The page cache keeps one page per slot, swaps each visitor's values in, and stays bounded."""

from statements.core.page_cache import PageCache


def renderer(calls: list, text: str, values: dict):
    def render():
        calls.append(text)
        return f"<p>{text}</p><input value='{values['token']}'>", dict(values)
    return render


def test_a_page_is_made_once_per_key_and_each_visitor_gets_their_own_values():
    cache, calls = PageCache(), []
    first = cache.page(1, "v1", {"token": "AAAA1111"}, renderer(calls, "count 3", {"token": "AAAA1111"}))
    second = cache.page(1, "v1", {"token": "BBBB2222"}, renderer(calls, "count 3", {"token": "BBBB2222"}))
    assert first == "<p>count 3</p><input value='AAAA1111'>"
    assert second == "<p>count 3</p><input value='BBBB2222'>"
    assert calls == ["count 3"]


def test_a_new_key_replaces_the_slots_page_and_old_slots_are_dropped_past_the_limit():
    cache, calls = PageCache(max_slots=2), []
    cache.page(1, "v1", {"token": "T1"}, renderer(calls, "count 3", {"token": "T1"}))
    changed = cache.page(1, "v2", {"token": "T2"}, renderer(calls, "count 4", {"token": "T2"}))
    assert changed == "<p>count 4</p><input value='T2'>" and len(cache) == 1
    cache.page(2, "v1", {"token": "T3"}, renderer(calls, "other", {"token": "T3"}))
    cache.page(1, "v2", {"token": "T4"}, renderer(calls, "count 4", {"token": "T4"}))  # slot 1 used last
    cache.page(3, "v1", {"token": "T5"}, renderer(calls, "third", {"token": "T5"}))
    assert len(cache) == 2
    cache.page(1, "v2", {"token": "T6"}, renderer(calls, "count 4", {"token": "T6"}))
    cache.page(2, "v1", {"token": "T7"}, renderer(calls, "other", {"token": "T7"}))  # slot 2 was dropped
    assert calls == ["count 3", "count 4", "other", "third", "other"]


def test_every_place_of_a_value_gets_the_visitors_own_in_text_and_in_utf8():
    cache = PageCache()
    made_with = {"csrf": "TOKEN-1234", "started": "TOKEN-1234.5678", "via": "via-abcd"}
    page = "<p>العربية · Español</p><i>TOKEN-1234</i><b>TOKEN-1234.5678</b><a>via-abcd</a><i>TOKEN-1234</i>"
    cache.page(1, "v1", made_with, lambda: (page, made_with))
    mine = {"csrf": "mine-csrf", "started": "mine-started", "via": ""}
    expected = "<p>العربية · Español</p><i>mine-csrf</i><b>mine-started</b><a></a><i>mine-csrf</i>"
    assert cache.recent_page(1, 60, mine) == expected
    assert cache.recent_page_encoded(1, 60, mine) == expected.encode()
    assert cache.recent_page(1, 0, mine) is None and cache.recent_page_encoded(1, 0, mine) is None
