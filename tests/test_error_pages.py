"""Error pages speak the visitor's language and show nothing of what was sent."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_missing_page_is_a_plain_404_in_the_visitors_language(client):
    response = client.get("/en/cases/NOSUCHREF/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert '<html lang="en"' in response.text


@pytest.mark.django_db
def test_a_post_without_csrf_gets_a_page_that_explains_and_nothing_else():
    """Only the report form and its additions come back with what was typed (issue 14: no lost
    input; tests/test_kept_forms.py); every other form gets the plain page."""
    response = Client(enforce_csrf_checks=True).post(
        "/en/report/status/", {"code": "Private Person"}
    )
    assert response.status_code == 403
    assert "The form has expired" in response.text
    assert "Private Person" not in response.text


@pytest.mark.django_db
def test_the_500_page_shows_no_detail(client, settings):
    from unittest import mock

    client.raise_request_exception = False
    with mock.patch("cases.views.render", side_effect=RuntimeError("secret detail")):
        response = client.get("/en/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret detail" not in response.text
