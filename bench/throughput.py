"""Requests per second of public pages served by gunicorn, against a bare HttpResponse.

    python bench/throughput.py            # generates bench_site (100,000 cases), then drops it
    python bench/throughput.py --reuse    # a bench_site left by latency.py or synthetic.py --keep

gunicorn runs with gunicorn.conf.py (its workers, max_requests, access log) and production
settings: DEBUG off, a random SECRET_KEY, PostgreSQL database bench_site, Redis database 13
(emptied before and after) for the cache, a temporary STATIC_ROOT filled by collectstatic.
Requests carry X-Forwarded-Proto: https as nginx's do. gunicorn serves bench/bench_wsgi.py: the
site with one more URL, /bench/baseline, a bare HttpResponse behind the same middleware.

wrk (Debian's package) loads each URL from loopback for --duration seconds with two connections
per core, after a short warm-up, in one run of one server: the baseline, home, case list, a case
page, a search, the sources page, and the baseline again (ratios are to the mean of the two).
"cached": the same URL again and again, so anonymous visitors are served from the page cache
(plus a conditional GET of the case page, answered 304). "uncached": every request names a host
of its own (wrk.lua), which changes the cache key, so every request misses the cache, renders and
stores the page, as the first visitor after a change would. "scraper": the baseline and the case
page again, cached, while one client (bench/scraper.lua, one connection, its own address) asks as
fast as it can for pages with made-up parameters and for random searches; it should get 429s
once its budget of rendered pages (UNCACHED_PAGES_PER_MINUTE) is spent. Budgets (DESIGN.md):
cached and scraper >= 0.8x, uncached >= 0.25x the baseline's requests/s in the same mode.

    python bench/throughput.py --cases 2000 --only scraper   # that row alone, briefly
"""

import argparse
import json
import os
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import synthetic

ROOT = synthetic.ROOT
BENCH = Path(__file__).resolve().parent
PY = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BUDGETS = {"cached": 0.8, "uncached": 0.25, "scraper": 0.8}
MODES = ("cached", "uncached", "scraper")
# The scraper's claimed address; wrk's other requests come from loopback or their own (wrk.lua).
SCRAPER_ADDRESS = "198.51.100.7"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(work: Path, port: int) -> dict[str, str]:
    """What /etc/advocacy/env would hold (deploy/env.example), nothing inherited from this shell."""
    media = synthetic.media_dir(synthetic.DATABASE)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # The second: hosts of uncached requests (wrk.lua), so that each misses the page cache.
        "ALLOWED_HOSTS": "127.0.0.1,.nocache.invalid",
        "DATABASE_URL": synthetic.database_url("postgres", synthetic.DATABASE),
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS_URL,
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(media / "public"),
        "PRIVATE_MEDIA_ROOT": str(media / "private"),
        "PRIVATE_MEDIA_ACCEL_PREFIX": "/_private/",
        "CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }


def empty_redis() -> None:
    """Database 13 is the benchmark's: stale pages of an earlier run must not count as hits."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def redis_keys() -> int:
    import redis

    return redis.Redis.from_url(REDIS_URL).dbsize()


class Server:
    """gunicorn in a session of its own, stopped (and if need be killed) by its id."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log = env, log
        self.base = f"http://{env['GUNICORN_BIND']}"
        command = [GUNICORN, "-c", "gunicorn.conf.py", "--pythonpath", str(BENCH)]
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn and module
            [*command, "bench_wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.log_offset = 0

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                if get(self.base + "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer in {seconds} s")

    def log_since(self, path: str = "") -> tuple[Counter, int]:
        """From the log since the last call: statuses of the requests (of path only, if given:
        the log has no query strings), and worker restarts (gunicorn.conf.py's max_requests)."""
        with self.log.open() as log:
            log.seek(self.log_offset)
            lines = log.read()
            self.log_offset = log.tell()
        logged = re.findall(r"^GET (\S+) (\d{3}) ", lines, flags=re.MULTILINE)
        statuses = Counter(status for logged_path, status in logged if path in ("", logged_path))
        return statuses, lines.count("Autorestarting worker")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def configured_workers() -> int:
    """How many workers gunicorn.conf.py starts here (just after boot some may still be forking)."""
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"), run_name="gunicorn_conf")["workers"]


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    headers = {"X-Forwarded-Proto": "https", **(headers or {})}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http on loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def endpoints() -> dict[str, str]:
    """The pages measured: a case with a photo and citations, a search for a whole name."""
    import psycopg

    with psycopg.connect(synthetic.database_url("postgres", synthetic.DATABASE)) as connection:
        reference = connection.execute(
            "SELECT reference FROM cases_case c WHERE status = 'published' AND EXISTS "
            "(SELECT 1 FROM cases_photo p WHERE p.case_id = c.id AND p.public_name <> '') "
            "ORDER BY id LIMIT 1"
        ).fetchone()[0]
        name = connection.execute(
            "SELECT text FROM cases_name WHERE is_public AND script = 'latin' "
            "ORDER BY id LIMIT 1 OFFSET 500"
        ).fetchone()[0]
    return {
        "baseline": "/bench/baseline",
        "home": "/en/",
        "case list": "/en/cases/",
        "case page": f"/en/cases/{reference}/",
        "search": "/en/cases/?" + urllib.parse.urlencode({"q": name}),
        "sources": "/en/sources/",
    }


def wrk_command(url: str, *, seconds: int, connections: int, script: str = "wrk.lua") -> list:
    threads = min(connections, os.cpu_count() or 1)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    return [*command, "-s", str(BENCH / script), url]


def wrk_figures(out: str) -> dict:
    figures = json.loads(out.split("BENCH ", 1)[1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def wrk(url: str, *, seconds: int, connections: int, env: dict[str, str]) -> dict:
    out = subprocess.run(  # noqa: S603 - wrk from PATH, our own script
        wrk_command(url, seconds=seconds, connections=connections),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
        timeout=seconds + 60,
    ).stdout
    return wrk_figures(out)


def measure(server: Server, name: str, path: str, mode: str, args, *, etag: str = "") -> dict:
    """Warm up, then one timed wrk run; statuses from the access log, which logs every request."""
    env = {"BENCH_IF_NONE_MATCH": etag}
    if mode == "uncached":
        env["BENCH_NOCACHE"] = secrets.token_hex(4)
    url = server.base + path
    wrk(url, seconds=args.warmup, connections=args.connections, env=env)
    if mode == "uncached":
        env["BENCH_NOCACHE"] = secrets.token_hex(4)  # the warm-up's pages are cached now
    server.log_since()
    figures = wrk(url, seconds=args.duration, connections=args.connections, env=env)
    # Only this URL's: in the scraper mode the log holds the scraper's requests too.
    statuses, figures["worker restarts"] = server.log_since(urllib.parse.urlsplit(path).path)
    figures["statuses"] = dict(statuses)
    figures["load"] = os.getloadavg()[0]
    print(
        f"{mode:<9}{name:<22}{figures['rps']:>9.0f} req/s  p50 {figures['p50_us'] / 1000:6.1f} ms"
        f"  p95 {figures['p95_us'] / 1000:6.1f} ms  {figures['statuses']}"
        f"  {figures['worker restarts']} worker restarts",
        flush=True,
    )
    return figures


def under_scraper(server: Server, paths: dict, args) -> tuple[dict, dict]:
    """The bare view and the cached case page, each measured while the scraper floods the site.

    The scraper starts first and runs throughout, so its budget is spent before the first
    timed run; its statuses say how many pages it had rendered (200) and how often it was
    refused (429).
    """
    measured = [("baseline", paths["baseline"]), ("case page", paths["case page"])]
    measured.append(("baseline, again", paths["baseline"]))
    seconds = args.warmup + len(measured) * (args.warmup + args.duration) + 5
    env = {**os.environ, "BENCH_SCRAPER_IP": SCRAPER_ADDRESS, "BENCH_SEED": str(os.getpid())}
    command = wrk_command(server.base + "/", seconds=seconds, connections=1, script="scraper.lua")
    scraper = subprocess.Popen(  # noqa: S603 - wrk from PATH, our own script
        command, stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        time.sleep(args.warmup)
        runs = {name: measure(server, name, path, "cached", args) for name, path in measured}
        out, _errors = scraper.communicate(timeout=seconds + 60)
    finally:
        if scraper.poll() is None:
            scraper.kill()
            scraper.wait()
    flood = wrk_figures(out)
    print(f"scraper: {flood['rps']:.0f} req/s, statuses {flood['statuses']}", flush=True)
    return runs, flood


def run(args, work: Path) -> dict:
    port = free_port()
    env = production_env(work, port)
    (work / "static").mkdir()
    subprocess.run(  # noqa: S603
        [PY, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    empty_redis()
    paths = endpoints()
    server = Server(env, work / "gunicorn.log")
    try:
        server.wait_until_up()
        result = {"workers": configured_workers(), "connections": args.connections, "runs": {}}
        print(f"gunicorn: {result['workers']} workers; wrk: {args.connections} connections")
        for path in paths.values():
            status, _headers, body = get(server.base + path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
        result["paths"] = paths
        for mode in args.only or MODES:
            if mode == "scraper":
                result["runs"]["scraper"], result["scraper"] = under_scraper(server, paths, args)
                continue
            runs = result["runs"][mode] = {}
            for name, path in paths.items():
                runs[name] = measure(server, name, path, mode, args)
            if mode == "cached":
                etag = get(server.base + paths["case page"])[1]["ETag"]
                runs["case page, If-None-Match"] = measure(
                    server, "case page, 304", paths["case page"], mode, args, etag=etag
                )
                result["cached keys in Redis"] = redis_keys()
            # Again at the end: on a shared machine the load drifts, and ratios are taken to
            # the mean of the two; their difference shows how much it drifted.
            runs["baseline, again"] = measure(
                server, "baseline, again", paths["baseline"], mode, args
            )
    finally:
        server.stop()
        empty_redis()
    result["load"] = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return result


def baseline_rps(runs: dict) -> float:
    """The bare view's requests/s in this mode: the mean of its first and last run."""
    return (runs["baseline"]["rps"] + runs["baseline, again"]["rps"]) / 2


def report(result: dict) -> None:
    print(f"{'':<9}{'page':<26}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'ratio':>7}{'budget':>8}")
    for mode, runs in result["runs"].items():
        baseline = baseline_rps(runs)
        for name, figures in runs.items():
            ratio = figures["rps"] / baseline
            budget = "" if name.startswith("baseline") else f">={BUDGETS[mode]}"
            print(
                f"{mode:<9}{name:<26}{figures['rps']:>8.0f}{figures['p50_us'] / 1000:>8.1f}"
                f"{figures['p95_us'] / 1000:>8.1f}{ratio:>7.2f}{budget:>8}"
            )
    if flood := result.get("scraper"):
        print(f"scraper, one client: {flood['rps']:.0f} req/s, statuses {flood['statuses']}")
    print(f"load average {result['load']} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    synthetic.add_arguments(parser, db_required=False)
    parser.add_argument("--reuse", action="store_true", help="use the bench_site database as it is")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each timed run")
    parser.add_argument("--connections", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--json", type=Path, help="also write the figures here (bench/run.py)")
    parser.add_argument(
        "--only", action="append", choices=MODES, help="measure this mode only (repeatable)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not args.reuse:
        generate = [PY, str(BENCH / "synthetic.py"), "--db", "postgres", "--keep"]
        generate += ["--cases", str(args.cases), "--sources", str(args.sources)]
        subprocess.run([*generate, "--photo-share", str(args.photo_share)], check=True)  # noqa: S603
    work = Path(tempfile.mkdtemp(prefix="bench_throughput_"))
    try:
        result = run(args, work)
        report(result)
        if args.json:
            args.json.write_text(json.dumps(result, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not args.reuse and not args.keep:
            synthetic.drop_database("postgres", synthetic.DATABASE)


if __name__ == "__main__":
    main()
