"""The admin index shows the task worker's queue: what waits, what runs, what failed and why."""

from datetime import timedelta

from django import template
from django.db.models import Count, Q
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

register = template.Library()

TASK_LABELS = {
    "cases.tasks.rebuild_open_data": _("open data files"),
    "cases.tasks.send_moderation_digest": _("moderation digest"),
    "cases.tasks.purge": _("retention purge"),
    "cases.tasks.backup": _("backup"),
    "cases.tasks.run_import": _("spreadsheet import"),
}
# Failures older than this are history, not news on the index.
RECENT_FAILURES = timedelta(days=7)
FAILURES_SHOWN = 5


def task_label(task_path: str) -> str:
    return TASK_LABELS.get(task_path, task_path.rpartition(".")[2])


def error_line(traceback: str) -> str:
    """The exception and its message: the last line of the traceback."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


@register.inclusion_tag("admin/cases/task_queue.html", takes_context=True)
def task_queue(context):
    if not context["request"].user.has_perm("django_tasks_database.view_dbtaskresult"):
        return {"shown": False}
    since = timezone.now() - RECENT_FAILURES
    counts = DBTaskResult.objects.aggregate(
        queued=Count("pk", filter=Q(status=TaskResultStatus.READY)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=since)),
    )
    failures = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__gte=since
    ).order_by("-finished_at")[:FAILURES_SHOWN]
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    return {
        "shown": True,
        "counts": [
            (_("queued"), counts["queued"], f"{url}?status__exact={TaskResultStatus.READY}"),
            (_("running"), counts["running"], f"{url}?status__exact={TaskResultStatus.RUNNING}"),
            (_("failed"), counts["failed"], f"{url}?status__exact={TaskResultStatus.FAILED}"),
        ],
        "failures": [
            {
                "label": task_label(failure.task_path),
                "finished_at": failure.finished_at,
                "error": error_line(failure.traceback),
                "attempt": failure.args_kwargs.get("kwargs", {}).get("attempt", 1),
                "url": reverse(
                    "admin:django_tasks_database_dbtaskresult_change", args=[failure.pk]
                ),
            }
            for failure in failures
        ],
    }
