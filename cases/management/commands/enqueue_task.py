"""Queue one of the daily tasks for the worker: what the timers in deploy/ run.

Run by the worker, a task that fails is tried again later and its error is shown to staff on the
admin index; while the worker is down the task waits in the queue.
"""

from django.core.management.base import BaseCommand

from cases.tasks import SCHEDULED


class Command(BaseCommand):
    help = "Queue a task for the worker: " + ", ".join(SCHEDULED) + "."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(SCHEDULED))

    def handle(self, *args, name, **options):
        result = SCHEDULED[name].enqueue()
        self.stdout.write(f"Queued {name} ({result.id}).")
