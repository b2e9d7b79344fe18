"""Synthetic published cases for the benchmarks, in a database of their own (never db.sqlite3).

    python bench/synthetic.py --db postgres --cases 100000 --keep   # database bench_site
    python bench/synthetic.py --db sqlite --cases 1000              # /tmp/bench_site.sqlite3

Everything is visibly synthetic: display names read "Synthetic #n", sources are "Synthetic
report #n" by "Synthetic Press" at synthetic.invalid, events and claims say "Synthetic". The
names are syllables put together at random, written in Latin, Cyrillic, Arabic script or Chinese
characters. A share of the cases has one approved public portrait: one small real JPEG file per
photo in a temporary public media root: four 160x200 JPEGs of about 1 KiB, made once, each
written under many photos' names (the pages only link them; nothing decodes them). Rows go in
with bulk_create, so the fields that save() would derive (Name.key and script, and
Case.display_key where the model has it) are set here, and the names' search words are written
by cases.search.index_names, as Name.save() does.
"""

# Letters that look like Latin ones are the point of the syllable table.
# ruff: noqa: RUF001

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# BENCH_DATABASE: another name (bench_*), so that benchmarks run side by side on one server.
DATABASE = os.environ.get("BENCH_DATABASE", "bench_site")
BATCH = 5000

# (Latin, Cyrillic, Uyghur Arabic script, Chinese character) for each syllable.
SYLLABLES = [
    ("a", "а", "ا", "阿"),
    ("ab", "аб", "اب", "艾"),
    ("ad", "ад", "اد", "安"),
    ("ak", "ак", "اك", "阿克"),
    ("al", "ал", "ال", "阿力"),
    ("an", "ан", "ان", "安"),
    ("ar", "ар", "ار", "尔"),
    ("as", "ас", "اس", "阿斯"),
    ("ba", "ба", "با", "巴"),
    ("bek", "бек", "بەك", "别克"),
    ("bol", "бол", "بول", "波力"),
    ("da", "да", "دا", "达"),
    ("dil", "дил", "دىل", "地力"),
    ("dos", "дос", "دوس", "多斯"),
    ("er", "ер", "ەر", "叶尔"),
    ("gul", "гул", "گۇل", "古丽"),
    ("ha", "ха", "ھا", "哈"),
    ("jan", "жан", "جان", "江"),
    ("ka", "ка", "كا", "卡"),
    ("kar", "кар", "كار", "喀尔"),
    ("ken", "кен", "كەن", "肯"),
    ("la", "ла", "لا", "拉"),
    ("li", "ли", "لى", "力"),
    ("ma", "ма", "ما", "马"),
    ("mar", "мар", "مار", "玛尔"),
    ("mi", "ми", "مى", "米"),
    ("mir", "мир", "مىر", "米尔"),
    ("mu", "му", "مۇ", "木"),
    ("na", "на", "نا", "娜"),
    ("nur", "нур", "نۇر", "努尔"),
    ("ra", "ра", "را", "热"),
    ("sa", "са", "سا", "萨"),
    ("sar", "сар", "سار", "萨尔"),
    ("ta", "та", "تا", "塔"),
    ("tas", "тас", "تاس", "塔斯"),
    ("ti", "ти", "تى", "提"),
    ("tur", "тур", "تۇر", "吐尔"),
    ("u", "у", "ۇ", "乌"),
    ("za", "за", "زا", "扎"),
    ("zat", "зат", "زات", "扎特"),
]
SUFFIXES = ["", "", "", "ov", "ova", "bay"]
SUFFIX_FORMS = {"": ("", "", ""), "ov": ("ов", "وۋ", "夫"), "ova": ("ова", "وۋا", "娃")}
SUFFIX_FORMS["bay"] = ("бай", "باي", "拜")
SCRIPTS = ["latin", "cyrillic", "arabic", "han"]
KINDS = ["whole name", "cross-script", "single word", "Han", "two letters"]


# --- The database: a dedicated one, created here and dropped afterwards ----------------------


def postgres_server() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def sqlite_path(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{name}.sqlite3"


def media_dir(name: str) -> Path:
    """Public and private media roots of the synthetic photos, and STATIC_ROOT, beside the
    database."""
    return Path(tempfile.gettempdir()) / f"{name}_media"


def _check_name(name: str) -> None:
    # Only ever a database of the benchmarks': never the dev db.sqlite3 or a real database.
    if not name.startswith("bench_") or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing database {name!r}: benchmark databases are named bench_*")


def database_url(db: str, name: str) -> str:
    _check_name(name)
    if db == "sqlite":
        return f"sqlite:///{sqlite_path(name)}"
    return f"{postgres_server()}/{name}"


def postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres_server()}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def create_database(db: str, name: str) -> None:
    """An empty database; PostgreSQL's UTF-8 with a UTF-8 ctype, as docs/deploy.md creates it."""
    _check_name(name)
    drop_database(db, name)
    if db == "postgres":
        postgres_admin(
            f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
            "TEMPLATE template0"
        )


def drop_database(db: str, name: str) -> None:
    _check_name(name)
    if db == "postgres":
        postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    else:
        sqlite_path(name).unlink(missing_ok=True)
    shutil.rmtree(media_dir(name), ignore_errors=True)


def setup_django(db: str, name: str, **environ: str) -> None:
    """Django on the benchmark database and media roots; environ adds settings (DEBUG etc.)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")
    os.environ.setdefault("DEBUG", "1")
    media = media_dir(name)
    os.environ.update(
        DATABASE_URL=database_url(db, name),
        MEDIA_ROOT=str(media / "public"),
        PRIVATE_MEDIA_ROOT=str(media / "private"),
        STATIC_ROOT=str(media / "static"),
        **environ,
    )
    import django

    django.setup()


def collect_static() -> None:
    """With DEBUG off, pages name the hashed static files of collectstatic's manifest."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would gather them after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- People and their names --------------------------------------------------------------------


# A person: a given name and a surname, each a list of syllable indexes, and a surname suffix.
def random_person(rng: random.Random) -> tuple[list[int], list[int], str]:
    def part():
        # Real given names and surnames have four letters or more.
        while True:
            syllables = [rng.randrange(len(SYLLABLES)) for _ in range(rng.choice([2, 2, 3]))]
            if sum(len(SYLLABLES[i][0]) for i in syllables) >= 4:
                return syllables

    return part(), part(), rng.choice(SUFFIXES)


def render(person, script: str) -> str:
    """The person's name in one script; Han names put a middle dot between the parts."""
    given, surname, suffix = person
    column = SCRIPTS.index(script)
    words = ["".join(SYLLABLES[i][column] for i in part) for part in (given, surname)]
    words[1] += suffix if script == "latin" else SUFFIX_FORMS[suffix][column - 1]
    if script == "latin":
        return " ".join(word.capitalize() for word in words)
    if script == "arabic":
        # A word may not begin with a bare vowel letter in Uyghur: it takes ئ.
        words = ["ئ" + word if word[0] in "اەوۇى" else word for word in words]
    return "·".join(words) if script == "han" else " ".join(words)


def published_case(n: int, label: str, *, published_at=None, photo_consent: bool = False):
    """Case n, published; what varies between cases follows from n, not from a random draw."""
    from django.utils import timezone

    from cases import names
    from cases.codes import CODE_ALPHABET, REFERENCE_LENGTH
    from cases.dates import Precision
    from cases.models import Case, Consent, Ethnicity, Prefecture, Sex, Situation

    def nth(choices, step=1):
        return choices.values[(n // step) % len(choices.values)]

    derived = {}
    if any(field.name == "display_key" for field in Case._meta.fields):
        # What Case.save() sets while search also matches display names (commit 890325e).
        derived["display_key"] = names.search_key(label)
    return Case(
        display_name=label,
        **derived,
        public_summary="A synthetic case for the benchmarks; no such person exists.",
        status=Case.Status.PUBLISHED,
        reference="S"
        + "".join(CODE_ALPHABET[(n >> (5 * i)) & 31] for i in range(REFERENCE_LENGTH - 1)),
        published_at=published_at or timezone.now(),
        consent=Consent.PUBLIC_NAMED,
        photo_consent=photo_consent,
        sex=nth(Sex),
        ethnicity=nth(Ethnicity, 3),
        hometown_prefecture=nth(Prefecture, 5),
        hometown_detail="Synthetic county",
        situation=nth(Situation, 7),
        situation_date=date(2017 + n % 6, 1 + n % 12, 1),
        situation_date_precision=Precision.MONTH,
        birth_date=date(1940 + n % 60, 1 + n % 12, 1 + n % 28),
        last_known_place="Synthetic place",
    )


def named(case, text: str, *, is_public: bool = True):
    """A Name as save() would make it: bulk_create skips save(), so key and script are set here."""
    from cases import names
    from cases.models import Name

    key, script = names.search_key(text), names.detect_script(text)
    return Name(case=case, text=text, key=key, script=script, is_public=is_public)


# --- Sources, citations, events and photos -------------------------------------------------------


@dataclass
class Extras:
    """What a full case page shows besides names, drawn from a random stream of its own so that
    the names (and bench/search.py's queries) are the same with or without them."""

    rng: random.Random
    sources: list
    photo_share: float
    public_root: Path
    jpegs: list[bytes]
    private_name: str


def synthetic_jpegs(count: int = 4) -> list[bytes]:
    """A few small real portraits (160x200 JPEGs of about 1 KiB), in different colours."""
    from PIL import Image

    jpegs = []
    for i in range(count):
        buffer = io.BytesIO()
        Image.new("RGB", (160, 200), (60 + 40 * i, 90, 160 - 30 * i)).save(buffer, "JPEG")
        jpegs.append(buffer.getvalue())
    return jpegs


def make_extras(name: str, rng: random.Random, *, sources: int, photo_share: float) -> Extras:
    """The source pool, the media roots and the private original every synthetic photo points at."""
    from cases.dates import Precision
    from cases.models import Source

    kinds = Source.Kind.values
    pool = Source.objects.bulk_create(
        Source(
            kind=kinds[i % len(kinds)],
            title=f"Synthetic report #{i}",
            publisher="Synthetic Press",
            url=f"https://synthetic.invalid/reports/{i}",
            published_date=date(2017, 1, 1) + timedelta(days=3 * i % 2500),
            published_date_precision=Precision.DAY,
        )
        for i in range(sources)
    )
    media = media_dir(name)
    public_root, private_root = media / "public", media / "private"
    (public_root / "photos").mkdir(parents=True, exist_ok=True)
    (private_root / "synthetic").mkdir(parents=True, exist_ok=True)
    jpegs = synthetic_jpegs()
    private_name = "synthetic/portrait.jpg"
    (private_root / private_name).write_bytes(jpegs[0])
    return Extras(rng, pool, photo_share, public_root, jpegs, private_name)


def add_extras(cases: list, photo_cases: set, extras: Extras) -> None:
    """Citations (1-2 per case, from the pool), events (1-3) and the photos of photo_cases."""
    import hashlib

    from cases.models import Citation, Event, Photo

    rng, kinds = extras.rng, Event.Kind.values
    citations, events, photos = [], [], []
    for case in cases:
        for source in rng.sample(extras.sources, rng.choice([1, 1, 2])):
            claim = "Synthetic claim: the person was detained"
            citations.append(Citation(case=case, source=source, claim=claim, locator="p. 1"))
        for step in range(rng.randint(1, 3)):
            when = case.situation_date + timedelta(days=200 * step)
            text = f"Synthetic event {step + 1}"
            events.append(Event(case=case, kind=rng.choice(kinds), date=when, public_text=text))
        if case.pk in photo_cases:
            data = extras.jpegs[case.pk % len(extras.jpegs)]
            public_name = f"photos/synthetic-{case.pk}.jpg"
            (extras.public_root / public_name).write_bytes(data)
            photos.append(
                Photo(
                    case=case,
                    approved=True,
                    kind=Photo.Kind.PORTRAIT,
                    alt_text=f"Synthetic portrait #{case.pk}",
                    image=extras.private_name,
                    thumbnail=extras.private_name,
                    width=160,
                    height=200,
                    sha256=hashlib.sha256(data).hexdigest(),
                    public_name=public_name,
                )
            )
    Citation.objects.bulk_create(citations)
    Event.objects.bulk_create(events)
    Photo.objects.bulk_create(photos)


# --- Filling the database ------------------------------------------------------------------------


def fill(count: int, rng: random.Random, *, start: int = 0, extras: Extras | None = None) -> list:
    """Insert cases start..start+count-1, each with one or two names (and extras, if given);
    return the people: (case pk, person, scripts of its public names)."""
    from django.utils import timezone

    from cases.models import Case, Name

    now = timezone.now()
    people = []
    for first in range(start, start + count, BATCH):
        batch = range(first, min(start + count, first + BATCH))
        with_photo = {
            n for n in batch if extras is not None and extras.rng.random() < extras.photo_share
        }
        cases = Case.objects.bulk_create(
            published_case(
                n,
                f"Synthetic #{n}",
                # Newest first in lists, one a minute: the order is stable and like real data.
                published_at=now - timedelta(minutes=n),
                photo_consent=n in with_photo,
            )
            for n in batch
        )
        rows = []
        for case in cases:
            person = random_person(rng)
            # One name in ten is hidden, as a legal name withheld from the public would be.
            scripts = {
                script: rng.random() > 0.1 for script in rng.sample(SCRIPTS, rng.randint(1, 2))
            }
            rows += [
                named(case, render(person, s), is_public=public) for s, public in scripts.items()
            ]
            if public_scripts := [script for script, public in scripts.items() if public]:
                people.append((case.pk, person, public_scripts))
        write_search_words(Name.objects.bulk_create(rows))
        if extras is not None:
            by_n = dict(zip(batch, cases, strict=True))
            add_extras(cases, {by_n[n].pk for n in with_photo}, extras)
    return people


def write_search_words(names) -> None:
    """The search words of names just inserted, as Name.save() writes them
    (cases.search.search_words); on PostgreSQL with COPY, the largest table of the site."""
    from django.db import connection

    from cases.search import index_names, search_words

    if connection.vendor != "postgresql":
        index_names(names, fresh=True)
        return
    columns = "name_id, word, rough, han, position"
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY cases_searchword ({columns}) FROM STDIN") as copy,
    ):
        for name in names:
            for row in search_words(name):
                copy.write_row((name.pk, row.word, row.rough, row.han, row.position))


def make_queries(people, count: int, rng: random.Random) -> list[tuple[str, str, int]]:
    """(kind, query, case it was made from): whole names, cross-script, single words, Han, short."""
    queries = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        # A Han query can only find a Han name, and Latin, Cyrillic or Arabic ones only the others.
        while True:
            pk, person, public_scripts = rng.choice(people)
            if ("han" in public_scripts) == (kind == "Han") or kind == "whole name":
                break
        if kind == "whole name":
            query = render(person, rng.choice(public_scripts))
        elif kind == "cross-script":
            others = [script for script in SCRIPTS[:3] if script not in public_scripts]
            query = render(person, rng.choice(others or SCRIPTS[:3]))
        elif kind == "single word":
            query = rng.choice(render(person, "latin").split())
        elif kind == "Han":
            query = render(person, "han").split("·")[rng.randrange(2)]
        else:
            query = render(person, "latin")[:2]
        queries.append((kind, query, pk))
    return queries


class Site:
    """A synthetic site that grows: `grow_to(n)` adds cases until there are n, with extras."""

    def __init__(self, name: str, *, seed: int = 20240601, sources: int, photo_share: float):
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        self.rng = random.Random(seed)
        self.extras = make_extras(
            name, random.Random(seed + 1), sources=sources, photo_share=photo_share
        )
        self.people: list = []
        self.size = 0

    def grow_to(self, count: int) -> float:
        """Add cases up to count; the seconds it took, ANALYZE included."""
        started = time.perf_counter()
        self.people += fill(count - self.size, self.rng, start=self.size, extras=self.extras)
        self.size = count
        analyze()
        return time.perf_counter() - started


def counts() -> dict[str, int]:
    from cases.models import Case, Citation, Event, Name, Photo, Source

    return {
        "published cases": Case.objects.published().count(),
        "names": Name.objects.count(),
        "sources": Source.objects.count(),
        "citations": Citation.objects.count(),
        "events": Event.objects.count(),
        "public photos": Photo.objects.exclude(public_name="").count(),
    }


def add_arguments(parser: argparse.ArgumentParser, *, db_required: bool = True) -> None:
    """The generator's options, shared by the benchmarks that generate their own data."""
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=1000, help="size of the source pool")
    parser.add_argument("--photo-share", type=float, default=0.3, help="cases with a photo")
    parser.add_argument("--keep", action="store_true", help="leave the database afterwards")
    if db_required:
        parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--name", default=DATABASE, help="database name, bench_*")
    args = parser.parse_args()
    create_database(args.db, args.name)
    try:
        setup_django(args.db, args.name)
        site = Site(args.name, sources=args.sources, photo_share=args.photo_share)
        seconds = site.grow_to(args.cases)
        summary = ", ".join(f"{value:,} {label}" for label, value in counts().items())
        print(f"{args.db} {args.name}: {summary}; {seconds:.0f} s")
        print(f"media: {media_dir(args.name)}")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.db, args.name)


if __name__ == "__main__":
    main()
