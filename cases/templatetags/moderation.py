"""The admin index opens on the work waiting for staff."""

from django import template
from django.urls import reverse

from ..models import Case, Report

register = template.Library()


@register.inclusion_tag("admin/cases/queue_counts.html", takes_context=True)
def moderation_queues(context):
    user = context["request"].user
    queues = []
    if user.has_perm("cases.view_report"):
        url = reverse("admin:cases_report_changelist")
        new = Report.objects.filter(state=Report.State.NEW).count()
        queues.append(("new_reports", new, f"{url}?state__exact=new"))
    if user.has_perm("cases.view_case"):
        url = reverse("admin:cases_case_changelist")
        for status in (Case.Status.DRAFT, Case.Status.IN_REVIEW):
            count = Case.objects.filter(status=status).count()
            queues.append((status, count, f"{url}?status__exact={status}"))
    return {"queues": queues}
