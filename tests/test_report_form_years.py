"""Limits the report form states come from one place: the years it accepts end with the
current one, read when the form is used; the photo size is settings.PHOTO_MAX_UPLOAD_BYTES."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from cases.models import Case, Report

from .test_report_form import URL, report_post

pytestmark = pytest.mark.django_db


def office_time(*args):
    return datetime(*args, tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_a_year_that_began_while_the_site_ran_is_accepted_without_a_restart(client):
    with time_machine.travel(office_time(2026, 12, 31, 23, 0), tick=False) as traveller:
        refused = client.post(URL, report_post(situation_year="2027"))
        assert refused.status_code == 200
        assert "less than or equal to 2026" in refused.text
        assert 'max="2026"' in client.get(URL).text
        assert not Report.objects.exists()

        traveller.move_to(office_time(2027, 1, 1, 0, 30))
        assert 'max="2027"' in client.get(URL).text
        client.post(URL, report_post(situation_year="2027"))
        assert Report.objects.count() == 1
        assert Case.objects.get().situation_date.year == 2027
        refused = client.post(URL, report_post(situation_year="2028"))
        assert "less than or equal to 2027" in refused.text
        assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "limit"), [("en", "15 MB"), ("ru", "15 МБ"), ("zh-hans", "15 MB")]
)
def test_the_photo_size_limit_is_the_settings_one_in_every_sentence_that_names_it(
    client, language, limit
):
    page = client.get(f"/{language}/report/").text
    assert f'data-max-bytes="{settings.PHOTO_MAX_UPLOAD_BYTES}"' in page
    assert settings.PHOTO_MAX_UPLOAD_BYTES == 15 * 1024 * 1024
    assert page.count(limit) >= 2  # the limits under the photo field, the browser's refusal
