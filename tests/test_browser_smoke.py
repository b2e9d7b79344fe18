"""The home page in a real browser: no console error, nothing fetched from another host."""

import pytest

from .factories import make_published_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_loads_cleanly_in_chromium(live_server, browser_page):
    make_published_case(display_name="Browser Test Person")
    response = browser_page.goto(f"{live_server.url}/en/")
    assert response.status == 200
    assert browser_page.get_by_role("link", name="Browser Test Person").is_visible()
    assert browser_page.console_errors == []
    foreign = [url for url in browser_page.requested_urls if not url.startswith(live_server.url)]
    assert foreign == []
    stylesheets = browser_page.evaluate("document.styleSheets.length")
    assert stylesheets >= 2  # Bootstrap and ours, both served by the site itself
