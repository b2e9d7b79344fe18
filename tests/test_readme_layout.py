"""README's Layout names every module of the code with its purpose, and nothing that is gone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A folder at the start of a line, then two spaces and what it holds.
FOLDER = re.compile(r"^(?P<folder>[\w./-]+/)\s{2,}\S")
# A path inside the last folder, indented, then two spaces and its purpose.
ENTRY = re.compile(r"^\s+(?P<path>[\w./-]+)\s{2,}\S")
CHECKED = ("advocacy", "cases", "bench", "scripts")


def layout_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1].splitlines()


def named_paths() -> set[str]:
    named, folder = set(), ""
    for line in layout_block():
        if match := FOLDER.match(line):
            folder = match["folder"]
        elif match := ENTRY.match(line):
            named.add(folder + match["path"])
    return named


def modules() -> set[str]:
    """Every Python module of the checked folders (migrations aside, and empty __init__.py
    files, which only mark packages), and every script of scripts/."""
    found = set()
    for top in CHECKED:
        for path in (ROOT / top).rglob("*"):
            relative = path.relative_to(ROOT).as_posix()
            if not path.is_file() or "__pycache__" in path.parts or "migrations" in path.parts:
                continue
            marker_only = path.name == "__init__.py" and not path.stat().st_size
            if top == "scripts" or (path.suffix == ".py" and not marker_only):
                found.add(relative)
    return found


def test_every_module_is_named_in_the_layout():
    assert modules() - named_paths() == set()


def test_the_layout_names_nothing_that_is_gone():
    named = named_paths()
    assert any(path.startswith("cases/") for path in named)
    assert {path for path in named if not (ROOT / path).exists()} == set()
