"""Measure key rotation (`manage.py rotate_keys`): time and peak memory at 10,000 reports.

Run from the project root: `python bench/rotation.py [--db sqlite|postgres] [--reports N ...]`.
For each size, a scratch database (bench_rotation: a file under /tmp, or on BENCH_POSTGRES_URL)
gets N reports with every private field set and a few hundred photos, all under one key; then
everything is re-encrypted under a new key in batches of 500, and once more to time a restarted
run that finds nothing left to do. Peak memory is Python's (tracemalloc) during the rotation:
it must not grow with N.
"""

import argparse
import io
import time
import tracemalloc

import synthetic

NAME = "bench_rotation"
PHOTOS = 200
NARRATIVE = "He was taken from home at night and we have not heard from him since. " * 12


def fill(reports: int) -> None:
    from django.core.files.base import ContentFile
    from PIL import Image

    from cases.models import Case, Photo, Report

    case = Case.objects.create(display_name="Bench")
    batch = [
        Report(
            case=case,
            language="ru",
            submitter_name=f"Родственник {n}",
            submitter_phone=f"+7 701 {n:07d}",
            submitter_email=f"relative{n}@example.org",
            submitter_messenger=f"@relative{n}",
            narrative=NARRATIVE,
            receipt_hash=f"{n:064d}",
            lookup_hashes="",
        )
        for n in range(reports)
    ]
    for report in batch:
        report.refresh_lookup_hashes()
    Report.objects.bulk_create(batch, batch_size=1000)
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 40).convert("RGB").save(buffer, "JPEG", quality=85)
    for n in range(PHOTOS):
        photo = Photo(case=case, width=400, height=300, sha256=f"{n:064d}")
        photo.image.save(f"bench{n}.jpg", ContentFile(buffer.getvalue()), save=False)
        photo.thumbnail.save(f"bench{n}t.jpg", ContentFile(buffer.getvalue()), save=False)
        photo.save()


def timed(step) -> tuple[float, float, int]:
    """Seconds, peak MiB of Python memory, and how many rows or photos were rewritten."""
    tracemalloc.start()
    start = time.perf_counter()
    rewritten = sum(progress.rewritten for progress in step())
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, rewritten


def measure(reports: int) -> list[tuple]:
    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.core.management import call_command

    from cases import rotation
    from cases.models import Report

    synthetic.create_database(ARGS.db, NAME)
    call_command("migrate", verbosity=0)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    fill(reports)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    rows = []
    for label, step in (
        ("reports", lambda: rotation.rotate_rows(Report)),
        ("photos", rotation.rotate_photos),
        ("restarted run, all current", lambda: rotation.rotate_all()),
    ):
        seconds, peak, rewritten = timed(step)
        rows.append((reports, label, rewritten, seconds, peak))
    from django.db import connections

    connections.close_all()
    return rows


def main() -> None:
    synthetic.setup_django(ARGS.db, NAME, FIELD_ENCRYPTION_KEYS="", LOOKUP_HASH_KEY="")
    rows = []
    try:
        for reports in ARGS.reports:
            rows += measure(reports)
    finally:
        synthetic.drop_database(ARGS.db, NAME)
    print(f"key rotation on {ARGS.db}, batches of 500; {PHOTOS} photos of 2 files each")
    header = ("reports", "step", "rewritten", "seconds", "ms each", "peak MiB")
    print("{:>8} {:<28}{:>10}{:>9}{:>9}{:>9}".format(*header))
    for reports, label, rewritten, seconds, peak in rows:
        each = seconds * 1000 / rewritten if rewritten else float("nan")
        print(f"{reports:>8} {label:<28}{rewritten:>10}{seconds:>9.2f}{each:>9.3f}{peak:>9.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--reports", type=int, nargs="+", default=[2_000, 10_000])
    ARGS = parser.parse_args()
    main()
