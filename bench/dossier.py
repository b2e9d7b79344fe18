"""Time a case's dossier (cases/dossier.py): a case with 10 photos must render in under 5 s.

Run from the project root: `python bench/dossier.py [--runs N] [--bulk] [--json PATH]`.
A scratch SQLite database (bench_dossier, a file under /tmp, dropped afterwards) gets one case
with names in four scripts, 5 events, 5 citations, 2 reports and 10 approved photos that went
through the real pipeline (2560-pixel noise photos, encrypted in private storage); its dossier
is rendered --runs times, queries and audit record included: wall time and the process's CPU
time (on a machine shared with other work, wall time is mostly waiting for a core). --bulk
also times the ZIP of dossier.BULK_LIMIT such cases, the largest export staff can ask for.
"""

import argparse
import io
import json
import os
import statistics
import time
from datetime import date
from pathlib import Path

import synthetic

NAME = "bench_dossier"
PHOTOS = 10
BUDGET_SECONDS = 5.0
SPELLINGS = ["Әділғазы Ерғазы", "Adilgazy Yergazy", "ئادىلغازى ئەرغازى", "阿地力加孜"]


def noise_photo(seed: int):
    from PIL import Image

    from cases import photos

    buffer = io.BytesIO()
    Image.effect_noise((2560, 1920), 30 + seed).convert("RGB").save(buffer, "JPEG", quality=90)
    buffer.seek(0)
    return photos.sanitize_photo(buffer)


def bench_case(sanitized: list):
    from django.core.files.base import ContentFile

    from cases.codes import random_code
    from cases.models import Case, Citation, Event, Name, Photo, Report, Source

    case = Case.objects.create(display_name="Bench", hometown_detail="Tekes county")
    for text in SPELLINGS:
        Name.objects.create(case=case, text=text)
    for n in range(5):
        source = Source.objects.create(
            title=f"Synthetic Press report {n}",
            publisher="Synthetic Press",
            url=f"https://news.example.org/{n}",
            archive_url=f"https://archive.example.org/{n}",
            published_date=date(2019, 1, 1 + n),
        )
        Citation.objects.create(case=case, source=source, claim=f"Claim {n}", excerpt="Text " * 40)
        Event.objects.create(case=case, kind="detained", date=date(2018, 1 + n, 1), source=source)
    for _ in range(2):
        report = Report(case=case, language="kk", consent="partners", narrative="Bench")
        report.issue_receipt()
        report.save()
    for n, photo in enumerate(sanitized):
        row = Photo(case=case, approved=True, width=photo.width, height=photo.height)
        row.sha256 = photo.sha256
        row.image.save(f"{random_code(20)}.jpg", ContentFile(photo.image), save=False)
        row.thumbnail.save(f"{random_code(20)}.jpg", ContentFile(photo.thumbnail), save=False)
        row.alt_text = f"Photo {n}"
        row.save()
    return case


def measure(runs: int, bulk: bool) -> dict:
    from django.core.management import call_command

    from cases import dossier

    synthetic.create_database("sqlite", NAME)
    call_command("migrate", verbosity=0)
    sanitized = [noise_photo(n) for n in range(PHOTOS)]
    case = bench_case(sanitized)
    dossier.dossier_pdf(case.pk, by=None)  # fonts and templates loaded once, as in a worker
    seconds, cpu, size = [], [], 0
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        _case, pdf = dossier.dossier_pdf(case.pk, by=None)
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        size = len(pdf)
    result = {
        "photos": PHOTOS,
        "runs": runs,
        "median s": statistics.median(seconds),
        "max s": max(seconds),
        "median cpu s": statistics.median(cpu),
        "load": os.getloadavg(),
        "pdf KiB": size / 1024,
        "budget s": BUDGET_SECONDS,
    }
    if bulk:
        ids = [bench_case(sanitized).pk for _ in range(dossier.BULK_LIMIT)]
        start = time.perf_counter()
        content = dossier.dossier_zip(ids, by=None)
        result["bulk cases"] = len(ids)
        result["bulk s"] = time.perf_counter() - start
        result["bulk MiB"] = len(content) / 2**20
    return result


def main() -> None:
    synthetic.setup_django("sqlite", NAME)
    try:
        result = measure(ARGS.runs, ARGS.bulk)
    finally:
        synthetic.drop_database("sqlite", NAME)
    print(
        f"dossier of a case with {result['photos']} photos, {result['runs']} runs: "
        f"median {result['median s']:.2f} s, max {result['max s']:.2f} s "
        f"(budget {BUDGET_SECONDS} s), CPU time median {result['median cpu s']:.2f} s, "
        f"PDF {result['pdf KiB']:.0f} KiB; load average {result['load'][0]:.1f}"
    )
    if "bulk s" in result:
        print(
            f"ZIP of {result['bulk cases']} such cases: {result['bulk s']:.1f} s, "
            f"{result['bulk MiB']:.1f} MiB"
        )
    if ARGS.json:
        Path(ARGS.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bulk", action="store_true")
    parser.add_argument("--json")
    ARGS = parser.parse_args()
    main()
