"""The admin index opens on the work waiting for staff."""

from django import template
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import get_language_info

from ..models import Case, Name, Report

register = template.Library()

WAITING_SHOWN = 10


def waiting_reports(limit=WAITING_SHOWN):
    """New reports, the longest waiting first, with the names of the person each is about."""
    return (
        Report.objects.filter(state=Report.State.NEW)
        .select_related("case")
        .prefetch_related(Prefetch("case__names", queryset=Name.objects.order_by("id")))
        .order_by("created_at")[:limit]
    )


@register.inclusion_tag("admin/cases/queue_counts.html", takes_context=True)
def moderation_queues(context):
    user = context["request"].user
    queues, waiting = [], []
    if user.has_perm("cases.view_report"):
        url = reverse("admin:cases_report_changelist")
        new = Report.objects.filter(state=Report.State.NEW).count()
        queues.append(("new_reports", new, f"{url}?state__exact=new"))
        waiting = waiting_reports()
    if user.has_perm("cases.view_case"):
        url = reverse("admin:cases_case_changelist")
        for status in (Case.Status.DRAFT, Case.Status.IN_REVIEW):
            count = Case.objects.filter(status=status).count()
            queues.append((status, count, f"{url}?status__exact={status}"))
    return {"queues": queues, "waiting": waiting}


@register.filter
def language_name(code: str) -> str:
    """A language's name in the reader's language; as settings name it if Django knows none."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return dict(settings.LANGUAGES).get(code, code)
