"""A staff account for trying the site locally. Refuses to run unless DEBUG is on."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "staff"
DEMO_PASSWORD = "demo-only-" + "password"


class Command(BaseCommand):
    help = "Create the demo staff account (DEBUG only) and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000", help="where the site is served")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo staff account exists only for local use with DEBUG on.")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.stdout.write(
            f"Staff login: http://{options['address']}/{settings.ADMIN_URL} "
            f"as {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r} (local demo only)."
        )
