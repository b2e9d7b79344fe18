"""The daily digest tells moderators what waits, and nothing that relatives wrote."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cases.models import Report

from .factories import make_case, make_report, staff_user

pytestmark = pytest.mark.django_db


def test_moderators_get_counts_and_links_but_no_report_content(settings):
    settings.STAFF_LANGUAGE = "en"
    moderator = staff_user("moderator", "Moderator")
    moderator.email = "moderator@office.example"
    moderator.save()
    User.objects.create_user("outsider", email="outsider@example.org", password="x" * 16)
    old = make_report(case=make_case(), narrative="Private story", submitter_phone="+7 700 1")
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=5))
    make_report(case=make_case())
    call_command("send_moderation_digest")
    [email] = mail.outbox
    assert email.to == ["moderator@office.example"]
    assert email.subject == "2 new reports are waiting"
    assert f"/admin/cases/report/{old.pk}/change/" in email.body
    assert "Private story" not in email.body and "+7 700 1" not in email.body


def test_no_digest_is_sent_when_nothing_waits():
    staff_user("moderator", "Moderator")
    call_command("send_moderation_digest")
    assert mail.outbox == []
    assert Group.objects.filter(name="Editor").exists()
