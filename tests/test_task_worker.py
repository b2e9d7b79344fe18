"""The task worker: open data rebuilt after public changes, retries, orphans, the admin index."""

import importlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from cases import exports, tasks
from cases.management.commands.run_worker import requeue_orphans
from cases.services import unpublish_case

from .conftest import log_in_to_admin
from .factories import make_published_case, staff_user

task_roles = importlib.import_module("cases.migrations.0010_task_permissions")


def role(username, name):
    """A staff member with a role, after transactional tests flushed the migrated groups."""
    user = staff_user(username, name)
    task_roles.grant(apps, None)
    return user


def queued(task_object):
    return DBTaskResult.objects.filter(task_path=task_object.module_path)


@pytest.fixture(autouse=True)
def connection_kept_in_process(monkeypatch):
    """The worker closes old connections between tasks; in-process, that is the test's own."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_queued_tasks():
    """What the worker would do now: every task that is due, in this process."""
    call_command("run_worker", "--batch", "--no-reload", verbosity=0)


@pytest.mark.django_db
def test_a_public_change_queues_one_rebuild_of_the_open_data(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_published_case(display_name="First")
    with django_capture_on_commit_callbacks(execute=True):
        make_published_case(display_name="Second")
    (waiting,) = queued(tasks.rebuild_open_data).filter(status=TaskResultStatus.READY)
    assert waiting.args_kwargs["args"] == [exports.current_generation()]


@pytest.mark.django_db
def test_the_worker_rebuilds_every_variant_visitors_downloaded(
    client, django_capture_on_commit_callbacks, isolated_open_data
):
    make_published_case(display_name="Before")
    client.get("/data/cases.json", headers={"accept-language": "ru"})
    with django_capture_on_commit_callbacks(execute=True):
        make_published_case(display_name="After")
    run_queued_tasks()
    names = sorted(p.name for p in isolated_open_data.glob("cases-*"))
    assert len(names) == 2  # the Russian JSON and CSV of the new state, nothing older
    for name in names:
        assert "After" in (isolated_open_data / name).read_text()
    response = client.get("/data/cases.json", headers={"accept-language": "ru"})
    assert "/ru/cases/" in b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_while_the_rebuild_waits_visitors_get_the_previous_complete_file(
    client, django_capture_on_commit_callbacks
):
    make_published_case(display_name="Before")
    first = client.get("/data/cases.json")
    before = b"".join(first.streaming_content)
    with django_capture_on_commit_callbacks(execute=True):
        make_published_case(display_name="After")
    during = client.get("/data/cases.json")
    assert during.status_code == 200
    assert b"".join(during.streaming_content) == before
    assert during["ETag"] == first["ETag"]
    run_queued_tasks()
    after = client.get("/data/cases.json")
    assert "After" in b"".join(after.streaming_content).decode()


@pytest.mark.django_db
def test_a_rebuild_overdue_because_the_worker_is_down_is_done_by_the_request(
    client, settings, django_capture_on_commit_callbacks
):
    """A case unpublished while no worker runs leaves the download within the grace period."""
    case = make_published_case(display_name="Leaving")
    client.get("/data/cases.json")
    with django_capture_on_commit_callbacks(execute=True):
        unpublish_case(case=case, by=None)
    queued(tasks.rebuild_open_data).update(enqueued_at=timezone.now() - timedelta(minutes=3))
    settings.OPEN_DATA_REBUILD_GRACE_SECONDS = 120
    response = client.get("/data/cases.json")
    assert "Leaving" not in b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_a_failing_task_is_queued_again_later_and_gives_up_after_the_last_attempt(
    monkeypatch, settings
):
    settings.TASK_MAX_ATTEMPTS = 3
    settings.TASK_RETRY_BASE_SECONDS = 30

    def broken(generation):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "rebuild_variants", broken)
    tasks.rebuild_open_data.enqueue(7)
    for attempt in (1, 2, 3):
        run_queued_tasks()
        failed = queued(tasks.rebuild_open_data).filter(status=TaskResultStatus.FAILED)
        assert failed.count() == attempt
        assert "OSError: disk full" in failed.order_by("-finished_at")[0].traceback
        # The next attempt waits 30 s, then 2 min: make it due now.
        waiting = queued(tasks.rebuild_open_data).filter(status=TaskResultStatus.READY)
        if attempt < 3:
            (retry,) = waiting
            assert retry.args_kwargs == {"args": [7], "kwargs": {"attempt": attempt + 1}}
            delay = retry.run_after - timezone.now()
            expected = 30 * 4 ** (attempt - 1)
            assert expected - 5 < delay.total_seconds() <= expected
            waiting.update(run_after=timezone.now())
        else:
            assert not waiting.exists()


def test_the_backoff_grows_fourfold(settings):
    settings.TASK_RETRY_BASE_SECONDS = 30
    assert [tasks.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 120, 480]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(tasks.SCHEDULED))
def test_the_timers_queue_their_task_for_the_worker(name):
    call_command("enqueue_task", name, verbosity=0)
    (result,) = DBTaskResult.objects.all()
    assert result.task_path == f"cases.tasks.{name}"
    assert result.status == TaskResultStatus.READY


@pytest.mark.django_db
def test_the_digest_runs_in_the_worker(settings, mailoutbox):
    from .factories import make_case, make_report

    user = role("moderator", "Moderator")
    user.email = "moderator@office.example"
    user.save()
    make_report(case=make_case())
    call_command("enqueue_task", "send_moderation_digest", verbosity=0)
    run_queued_tasks()
    assert [email.to for email in mailoutbox] == [["moderator@office.example"]]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.django_db
def test_tasks_left_running_by_a_dead_worker_of_this_host_are_queued_again():
    host = socket.gethostname()[:40]
    result = tasks.backup.enqueue()
    dead = DBTaskResult.objects.get(pk=result.id)
    dead.claim(f"{host}:{dead_pid()}:abcdefgh")
    elsewhere = DBTaskResult.objects.get(pk=tasks.purge.enqueue().id)
    elsewhere.claim(f"another-host:{dead_pid()}:abcdefgh")
    alive = DBTaskResult.objects.get(pk=tasks.send_moderation_digest.enqueue().id)
    alive.claim(f"{host}:{subprocess.os.getpid()}:abcdefgh")

    assert requeue_orphans() == 1
    dead.refresh_from_db()
    elsewhere.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == TaskResultStatus.READY
    assert elsewhere.status == alive.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_the_admin_index_shows_queued_running_and_failed_tasks_with_the_error(client):
    log_in_to_admin(client, role("moderator", "Moderator"))
    tasks.backup.enqueue()
    running = DBTaskResult.objects.get(pk=tasks.purge.enqueue().id)
    running.claim("somewhere:1:x")
    failed = DBTaskResult.objects.get(pk=tasks.send_moderation_digest.enqueue().id)
    failed.set_failed(ConnectionRefusedError("SMTP server refused the connection"))

    page = client.get("/admin/").content.decode()
    assert "Background tasks" in page
    assert "<strong>1</strong> queued" in page
    assert "<strong>1</strong> running" in page
    assert "<strong>1</strong> failed" in page
    assert "moderation digest" in page
    assert "ConnectionRefusedError: SMTP server refused the connection" in page
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert detail.status_code == 200
    assert "SMTP server refused the connection" in detail.content.decode()


@pytest.mark.django_db
def test_staff_without_a_role_see_no_task_list(client):
    from django.contrib.auth.models import User

    user = User.objects.create_user("newcomer", password="x" * 16, is_staff=True)
    log_in_to_admin(client, user)
    assert "Background tasks" not in client.get("/admin/").content.decode()


def download(live_server, path="/data/cases.json"):
    """Over HTTP from the live server, as a visitor would."""
    request = urllib.request.Request(  # noqa: S310 (the live server, http)
        live_server.url + path, headers={"Accept-Language": "en"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_after_a_publish_the_worker_serves_the_new_state_and_no_visitor_waits(
    worker, live_server, monkeypatch
):
    """Visitors poll all the while; none gets a 503, none builds the file, none sees half."""
    make_published_case(display_name="Already There")
    assert download(live_server)[0] == 200
    inline_builds = []
    real_build = exports.PublicFile._build
    monkeypatch.setattr(
        exports.PublicFile,
        "_build",
        lambda self, *args: inline_builds.append(self) or real_build(self, *args),
    )
    make_published_case(display_name="Newly Published")
    seen, deadline = [], time.monotonic() + 30
    while time.monotonic() < deadline:
        status, content = download(live_server)
        document = json.loads(content)  # a complete file every time
        seen.append((status, document["count"]))
        if document["count"] == 2:
            break
        time.sleep(0.1)
    assert seen[-1] == (200, 2), worker.process.stderr
    assert {status for status, _count in seen} == {200}
    assert inline_builds == []  # the worker built it, no visitor's request did


def test_an_unpublish_leaves_the_download_once_the_worker_rebuilt(worker, live_server):
    case = make_published_case(display_name="Leaving Soon")
    download(live_server)
    unpublish_case(case=case, by=None)
    deadline = time.monotonic() + 30
    while b"Leaving Soon" in download(live_server)[1] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert b"Leaving Soon" not in download(live_server)[1]
