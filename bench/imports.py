"""Measure the spreadsheet import: reading, the dry run and the import of 10,000 rows.

Run from the project root: `python bench/imports.py` (SQLite in /tmp), or
`python bench/imports.py --db postgres` (creates and drops the database bench_import at
BENCH_POSTGRES_URL, as bench/synthetic.py does). The rows are tests/import_files.py's: names
in four scripts, fuzzy dates, the same people several times, and 1,000 cases recorded before
to find duplicates among.
Each phase runs once, timed, with tracemalloc recording its peak memory; `--no-memory` times
without tracemalloc, which slows the dry run (pure Python) several times over.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "bench_import"


def setup_django(db: str, work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.synthetic import create_database, database_url

    create_database(db, DATABASE)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "advocacy.settings",
            "DEBUG": "1",
            "DATABASE_URL": database_url(db, DATABASE),
            "MEDIA_ROOT": str(work / "public"),
            "PRIVATE_MEDIA_ROOT": str(work / "private"),
            "OPEN_DATA_DIR": str(work / "open-data"),
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def existing_cases(count: int) -> None:
    """Cases recorded before the import, some of them the file's people."""
    from cases.models import Case, Name
    from tests.import_files import PEOPLE

    cases = Case.objects.bulk_create(Case() for _ in range(count))
    spellings = [latin for _cyrillic, latin in PEOPLE] + [
        f"Recorded Person {n}" for n in range(count)
    ]
    names = [Name(case=case, text=spellings[n % len(spellings)]) for n, case in enumerate(cases)]
    for name in names:
        name.refresh_search_fields()
    Name.objects.bulk_create(names)


def measure(label: str, work, results: dict, rows: int, memory: bool) -> object:
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    value = work()
    seconds = time.perf_counter() - started
    results[label] = {"seconds": round(seconds, 2), "rows_per_second": round(rows / seconds)}
    if memory:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[label]["peak_mib"] = round(peak / 2**20, 1)
    return value


def run(rows: int, results: dict, memory: bool) -> None:
    from cases import imports, spreadsheets
    from cases.models import ImportFile
    from tests.import_files import MAPPING, generate

    data = generate(rows=rows, seed=1).csv_bytes()
    table = measure("read and check the file", lambda: spreadsheets.read_table(data, "b.csv"),
                    results, rows, memory)  # fmt: skip
    import_file = imports.receive_upload(data=data, file_name="b.csv", table=table, by=None)
    measure(
        "dry run",
        lambda: imports.check_import(import_file=import_file, mapping=MAPPING, by=None),
        results,
        rows,
        memory,
    )
    import_file = ImportFile.objects.get(pk=import_file.pk)
    created = measure("import", lambda: imports.run(import_file), results, rows, memory)
    results["import"]["cases created"] = created
    results["load average"] = os.getloadavg()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=1_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-memory", action="store_true", help="time without tracemalloc")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        setup_django(arguments.db, Path(work))
        try:
            existing_cases(arguments.existing)
            results: dict = {}
            run(arguments.rows, results, memory=not arguments.no_memory)
        finally:
            from django.db import connections

            connections.close_all()
            from bench.synthetic import drop_database

            drop_database(arguments.db, DATABASE)
    print(f"{arguments.rows} rows, {arguments.existing} cases before, {arguments.db}:")
    for label, figures in results.items():
        print(f"  {label}: {figures}")
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
