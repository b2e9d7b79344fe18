"""PostgreSQL restarts while relatives send reports: no 500, no accepted report lost, no orphan.

Self-contained: a PostgreSQL cluster of its own (initdb into a temporary folder, another port),
so that restarting it disturbs no one else's database, and gunicorn with production settings
and persistent connections (DB_CONN_MAX_AGE=60, as deploy/env.example sets) in front of it.
Reports go over HTTP as a browser sends them, each with a photo.
"""

import contextlib
import glob
import http.client
import io
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from .conftest import ENCRYPTION_KEYS_ENV

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
GUNICORN = Path(sys.executable).parent / "gunicorn"
REPORTS = 24

pytestmark = pytest.mark.skipif(
    not PG_BIN or not (Path(PG_BIN[-1]) / "initdb").exists(),
    reason="PostgreSQL's server binaries (initdb, pg_ctl) are not installed here",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster; as root, run as the postgres user (initdb refuses root)."""

    def __init__(self):
        self.bin = Path(PG_BIN[-1])
        self.dir = Path(tempfile.mkdtemp(prefix="advocacy-restart-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip

    def _run(self, tool: str, *arguments) -> None:
        command = [*self.as_postgres, str(self.bin / tool), *map(str, arguments)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "log", "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """As `systemctl restart postgresql` does: open connections are terminated."""
        self.stop()
        self.start()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class Site:
    """gunicorn with production settings on the cluster's database, reached over HTTP."""

    def __init__(self, cluster: Cluster, work: Path):
        self.port = free_port()
        self.media = work / "media"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work),
            "LANG": "C.UTF-8",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            **ENCRYPTION_KEYS_ENV,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": cluster.url("advocacy"),
            "DB_CONN_MAX_AGE": "60",
            "MEDIA_ROOT": str(self.media / "public"),
            "PRIVATE_MEDIA_ROOT": str(self.media / "private"),
            "OPEN_DATA_DIR": str(work / "open-data"),
            "STATIC_ROOT": str(work / "static"),
            # Plain HTTP on loopback: no TLS proxy in front here.
            "BEHIND_TLS_PROXY": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "REPORT_RATE_LIMIT": "10000",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
        }
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, env=self.env, check=True
            )
        self.log = (work / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while self.request("GET", "/healthz")[0] != 200:
            assert self.process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not answer in 60 s"
            time.sleep(0.3)

    def request(self, method, path, body=b"", headers=None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        except OSError:
            return 0, {}, ""
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def cluster():
    cluster = Cluster()
    cluster.start()
    subprocess.run(
        [*cluster.as_postgres, str(cluster.bin / "createdb"), "-h", "127.0.0.1",
         "-p", str(cluster.port), "-U", "postgres", "advocacy"],
        check=True,
    )  # fmt: skip
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def site(cluster):
    work = Path(tempfile.mkdtemp(prefix="advocacy-restart-site-"))
    site = Site(cluster, work)
    yield site
    site.stop()
    shutil.rmtree(work, ignore_errors=True)


class Relative:
    """One browser: opens the form (its CSRF cookie and signed start time), later sends it."""

    def __init__(self, site: Site, number: int):
        self.site, self.number = site, number
        status, headers, page = site.request("GET", "/en/report/")
        assert status == 200
        self.cookie = SimpleCookie(headers["Set-Cookie"])["csrftoken"].value
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        self.started = re.search(r'name="started" value="([^"]+)"', page)[1]
        self.narrative = f"Narrative of report {number} sent during the restart test."

    def send(self) -> tuple[int, str]:
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), (self.number, 90, 160)).save(buffer, "JPEG")
        photo = io.BytesIO(buffer.getvalue())
        photo.name = "photo.jpg"
        fields = {
            "csrfmiddlewaretoken": self.token,
            "started": self.started,
            "names-TOTAL_FORMS": "1",
            "names-INITIAL_FORMS": "0",
            "names-0-text": f"Example Restart {self.number}",
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "0",
            "photos-0-file": photo,
            "photos-0-kind": "portrait",
            "photos-0-description": "",
            "sex": "male",
            "ethnicity": "kazakh",
            "hometown_prefecture": "ili",
            "situation": "missing",
            "narrative": self.narrative,
            "relationship": "sibling",
            "submitter_name": "Example Relative",
            "consent": "internal",
        }
        headers = {"Content-Type": MULTIPART_CONTENT, "Cookie": f"csrftoken={self.cookie}"}
        status, _headers, page = self.site.request(
            "POST", "/en/report/", encode_multipart(BOUNDARY, fields), headers
        )
        code = re.search(r'class="receipt-code[^"]*"[^>]*><code>([^<]+)</code>', page)
        return status, (code[1] if code else page)


def stored(cluster: Cluster) -> tuple[set[str], set[str]]:
    """The narratives of stored reports (decrypted), and the file names their photos' rows
    point to."""
    import psycopg
    from cryptography.fernet import Fernet

    key = Fernet(ENCRYPTION_KEYS_ENV["FIELD_ENCRYPTION_KEYS"])
    with psycopg.connect(cluster.url("advocacy")) as connection:
        rows = connection.execute("SELECT narrative FROM cases_report")
        narratives = {key.decrypt(row[0].encode()).decode() for row in rows}
        files = set()
        for image, thumbnail in connection.execute("SELECT image, thumbnail FROM cases_photo"):
            files |= {image, thumbnail}
    return narratives, files


def files_on_disk(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_reports_sent_while_postgresql_restarts_are_stored_or_handed_back(cluster, site):
    relatives = [Relative(site, number) for number in range(REPORTS)]
    down = Relative(site, REPORTS)
    down.narrative = "Typed while the database was down."
    time.sleep(3.5)  # the form refuses what is sent faster than a person could fill it in
    quarter = REPORTS // 4
    outcomes = [(relative, *relative.send()) for relative in relatives[:quarter]]

    # A restart between requests: the workers' kept connections are dead, and are replaced
    # before use (CONN_HEALTH_CHECKS) rather than failing the next request of each worker.
    cluster.restart()
    after_restart = [(relative, *relative.send()) for relative in relatives[quarter : 2 * quarter]]
    assert [status for _relative, status, _answer in after_restart] == [200] * quarter
    outcomes += after_restart

    # Restarts during requests: each report is stored, or handed back with a 503.
    restarts = threading.Thread(target=lambda: [cluster.restart() for _ in range(3)])
    restarts.start()
    outcomes += [(relative, *relative.send()) for relative in relatives[2 * quarter :]]
    restarts.join()

    # And once while the database is down: the relative gets the form back with their words.
    cluster.stop()
    status, page = down.send()
    cluster.start()
    assert status == 503
    assert down.narrative in page
    assert "Our database did not answer, so nothing was stored." in page

    statuses = [status for _relative, status, _answer in outcomes]
    assert set(statuses) <= {200, 503}, statuses
    accepted = [relative for relative, status, _answer in outcomes if status == 200]
    narratives, files = stored(cluster)
    assert {relative.narrative for relative in accepted} <= narratives  # none lost
    assert down.narrative not in narratives
    assert files_on_disk(site.media / "private") == files  # no orphan, none missing
    assert site.request("GET", "/en/cases/")[0] == 200
