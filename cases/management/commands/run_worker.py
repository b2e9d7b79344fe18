"""The task worker: django-tasks-db's worker, which first takes back the tasks of a dead one.

A worker killed mid-task (a crash, an out-of-memory kill, a power cut) leaves its task marked
running for ever. Each worker names itself after its host and process, so the next one started
on that host sees which of those processes are gone and queues their tasks again; the tasks are
written to be run again (an import goes on from the first row it has not stored).
"""

import os
import socket

from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.models import DBTaskResult


def worker_id(pid: int | None = None) -> str:
    """host:pid:random, at most 64 characters as django-tasks-db allows."""
    host = socket.gethostname()[:40]
    return f"{host}:{pid or os.getpid()}:{get_random_string(8)}"


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, and not ours to judge
        return True
    return True


def orphaned_by_dead_workers(host: str) -> list:
    """Running tasks whose worker was a process on `host` that no longer exists."""
    orphans = []
    for result in DBTaskResult.objects.running().only("worker_ids"):
        last = result.worker_ids[-1] if result.worker_ids else ""
        worker_host, _sep, rest = last.partition(":")
        pid = rest.partition(":")[0]
        if worker_host == host and pid.isdigit() and not is_alive(int(pid)):
            orphans.append(result.pk)
    return orphans


def requeue_orphans() -> int:
    """Queue again the tasks that dead workers of this host left running; how many."""
    with transaction.atomic():
        orphans = orphaned_by_dead_workers(socket.gethostname()[:40])
        return (
            DBTaskResult.objects.running()
            .filter(pk__in=orphans)
            .update(status=TaskResultStatus.READY, started_at=None)
        )


class Command(DatabaseWorkerCommand):
    help = "Run queued tasks (open data, digests, purge, backup, imports) until stopped."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id(), startup_delay=False)

    def handle(self, *args, **options):
        requeued = requeue_orphans()
        if requeued:
            self.stdout.write(f"Queued again {requeued} tasks left running by a stopped worker.")
        super().handle(*args, **options)
