"""Work that runs in the task worker, off the request path (README, "Task worker").

Django's Tasks framework (`django.tasks`) with django-tasks-db: the queue is a table in the
site's own database and `manage.py run_worker` runs what is queued. A task that fails is queued
again later (`retried`); the failed attempt stays in the table with its error, which the admin
index shows to staff (templatetags/task_queue.py).
"""

import functools
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.dispatch import receiver
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import exports
from .caching import public_data_changed


def retry_delay(attempt: int) -> timedelta:
    """How long to wait before attempt `attempt + 1`: TASK_RETRY_BASE_SECONDS, then four times
    as long each time, so that a database restart or a full disk has time to pass."""
    return timedelta(seconds=settings.TASK_RETRY_BASE_SECONDS * 4 ** (attempt - 1))


def retried(func):
    """A task that, when it raises, is queued again after `retry_delay`, up to TASK_MAX_ATTEMPTS.

    django-tasks-db has no retries of its own. Each attempt is a row of its own, so a failure
    stays visible with its traceback while the next attempt waits.
    """

    @functools.wraps(func)
    def attempt(*args, attempt: int = 1, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception:
            if attempt < settings.TASK_MAX_ATTEMPTS:
                later = timezone.now() + retry_delay(attempt)
                the_task.using(run_after=later).enqueue(*args, attempt=attempt + 1, **kwargs)
            raise

    the_task = task(attempt)
    return the_task


@retried
def rebuild_open_data(generation: int) -> int:
    """Write /data/cases.json and .csv for a new state of public data, for every variant."""
    return exports.rebuild_variants(generation)


@retried
def send_moderation_digest() -> None:
    call_command("send_moderation_digest")


@retried
def purge() -> None:
    call_command("purge")


@retried
def backup() -> None:
    call_command("backup")


@retried
def run_import(import_id: int) -> int:
    """Store a confirmed spreadsheet's rows; run again, it goes on from the first row not stored."""
    from .imports import run
    from .models import ImportFile

    import_file = ImportFile.objects.filter(pk=import_id).first()
    if import_file is None or import_file.status == ImportFile.Status.DONE:
        return 0
    return run(import_file)


# What `manage.py enqueue_task` and the timers in deploy/ may queue, by name.
SCHEDULED = {
    "send_moderation_digest": send_moderation_digest,
    "purge": purge,
    "backup": backup,
}


def _waiting(task_object):
    """Rows of a task that are queued and not yet taken by a worker."""
    return DBTaskResult.objects.filter(
        task_path=task_object.module_path, status=TaskResultStatus.READY
    )


@receiver(public_data_changed, dispatch_uid="rebuild-open-data")
def queue_open_data_rebuild(*, generation: int, **kwargs) -> None:
    """One rebuild queued for the newest state: a rebuild still waiting (or waiting to be tried
    again) would build an older one.

    Deleting the waiting rows is safe: a worker claims a row under a row lock, and a claimed row
    is no longer READY, so it is never deleted from under the worker running it.
    """
    with transaction.atomic():
        _waiting(rebuild_open_data).delete()
        rebuild_open_data.enqueue(generation)


def rebuild_coming() -> bool:
    """Whether a rebuild of the open data is queued or running, and not overdue.

    Past OPEN_DATA_REBUILD_GRACE_SECONDS the worker is taken to be down, and visitors stop
    getting the previous file (cases/exports.py).
    """
    since = timezone.now() - timedelta(seconds=settings.OPEN_DATA_REBUILD_GRACE_SECONDS)
    return DBTaskResult.objects.filter(
        task_path=rebuild_open_data.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        enqueued_at__gte=since,
    ).exists()
