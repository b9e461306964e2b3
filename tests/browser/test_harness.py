"""The page checks themselves: each one fails on a page that breaks it."""

import pytest

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_width


def test_accessibility_check_names_the_violation_and_where_it_is(page):
    page.goto("/login")
    page.evaluate("""() => {
        const input = document.createElement('input');
        input.id = 'unlabelled';
        document.querySelector('form').append(input);
    }""")
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page)
    assert "- label (critical): Form elements must have labels" in str(failure.value)
    assert "at #unlabelled" in str(failure.value)


def test_width_check_catches_sideways_scrolling_and_controls_out_of_sight(page):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    assert_fits_width(page)
    page.evaluate("() => { document.querySelector('.narrow').style.width = '600px'; }")
    with pytest.raises(AssertionError, match=r"login is \d+px wide in a 390px window: it scrolls sideways"):
        assert_fits_width(page)
    page.evaluate("""() => {
        document.querySelector('.narrow').style.width = '';
        const wrap = document.createElement('div');
        wrap.style.overflowX = 'auto';
        // styles set through the DOM: the page's policy refuses style="..." attributes in markup
        const wide = document.createElement('div');
        wide.style.width = '900px';
        const button = document.createElement('button');
        button.style.marginLeft = '800px';
        button.textContent = 'Far away';
        wide.append(button);
        wrap.append(wide);
        document.querySelector('main').append(wrap);
    }""")
    with pytest.raises(AssertionError, match=r"(?s)controls out of sight at 390px.*Far away"):
        assert_fits_width(page)
