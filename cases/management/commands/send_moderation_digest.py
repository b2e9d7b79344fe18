"""Daily email to moderators: new reports, and reports waiting too long. Run it from a timer.

The email carries counts and admin links only: mail passes through servers the office does
not control, so nothing a relative wrote goes into it.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Report


def moderators():
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    return users.filter(
        Q(groups__name__in=["Moderator", "Editor"]) | Q(is_superuser=True)
    ).distinct()


class Command(BaseCommand):
    help = (
        "Email moderators the day's new reports and those waiting longer than REPORT_WAITING_DAYS."
    )

    def handle(self, *args, **options):
        waiting_since = timezone.now() - timedelta(days=settings.REPORT_WAITING_DAYS)
        new = Report.objects.filter(state=Report.State.NEW)
        context = {
            "new_count": new.count(),
            "waiting": list(new.filter(created_at__lt=waiting_since).order_by("created_at")[:50]),
            "waiting_days": settings.REPORT_WAITING_DAYS,
            "queue_url": settings.SITE_URL
            + reverse("admin:cases_report_changelist")
            + "?state__exact=new",
            "site_url": settings.SITE_URL,
        }
        if not context["new_count"]:
            self.stdout.write("No new reports: no digest sent.")
            return
        recipients = list(moderators().values_list("email", flat=True))
        with translation.override(settings.STAFF_LANGUAGE):
            subject = render_to_string("cases/email/digest_subject.txt", context).strip()
            body = render_to_string("cases/email/digest.txt", context)
        sent = send_mail(subject, body, None, recipients) if recipients else 0
        self.stdout.write(f"Digest sent to {len(recipients) if sent else 0} moderators.")
