"""The result cache answers only while the project is the same: every change that could change
a report gives fresh results, and an edit that keeps a file's imports is answered from it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import rows

import archlint.cache
import archlint.checking
import archlint.discovery
import archlint.facts.store
import archlint.graph
from archlint.cache import entry_bytes, read_entry
from archlint.model import (
    ContractResult,
    CycleImport,
    Definition,
    Diagnostic,
    DuplicateDefinition,
    GoneCycle,
    GoneDiagnostic,
    GoneViolation,
    Hop,
    ImportViolation,
    Replacement,
    Report,
    UnlistedModule,
)

FORBIDDEN = """
    [[contracts]]
    id = "core-no-web"
    type = "forbidden"
    source_modules = ["app.core"]
    forbidden_modules = ["app.web"]
"""

FILES = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/models.py": "import app.web.views\n",
    "app/core/plain.py": "import app.util\n",
    "app/util.py": "",
    "app/web/__init__.py": "",
    "app/web/views.py": "",
}


@pytest.fixture
def cached(project):
    """The project with the cache on; `project.check()` answers cached where it can."""
    project.settings(["app"]).files(FILES).contracts(FORBIDDEN)
    original = project.check

    def check(**kwargs):
        kwargs.setdefault("use_cache", True)
        return original(**kwargs)

    project.check = check
    return project


@pytest.fixture
def no_build(monkeypatch):
    """Make building the graph fail: what still works was answered from the cache."""
    def refuse(*args, **kwargs):
        raise AssertionError("the graph was built")

    def forbid():
        monkeypatch.setattr(archlint.graph, "resolve", refuse)  # what every build goes through

    return forbid


def edit(project, relative: str, text: str) -> None:
    """Rewrite a file and move its mtime on, so its stamp differs even on coarse clocks."""
    path = project.root / relative
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def age(project, seconds: int = 60) -> None:
    """Let the project settle: move the mtime of every file and folder `seconds` into the past,
    and trust stamps from now on as a file system with a fine clock allows (a ctime cannot be
    moved back, and a stamp changed a moment ago is not trusted by default)."""
    past = time.time_ns() - seconds * 10**9
    for path in [project.root, *project.root.rglob("*")]:
        os.utime(path, ns=(past, past))
    project._monkeypatch.setattr(archlint.discovery, "SETTLED_NS", 0)


@pytest.fixture
def no_walk(monkeypatch):
    """Make walking the tree fail: what still works was answered from folder and file stamps."""
    def refuse(*args, **kwargs):
        raise AssertionError("the tree was walked")

    def forbid():
        monkeypatch.setattr(archlint.cache, "discover_all", refuse)

    return forbid


# -- answered from the cache --------------------------------------------------------------------


def test_unchanged_tree_is_answered_without_building_the_graph(cached, no_build):
    first = cached.check()
    no_build()
    assert cached.check() == first
    assert rows(first) == [("app.core.models", "app.web.views", "app/core/models.py", 1)]


def test_edit_that_keeps_the_imports_is_answered_from_the_cache(cached, no_build):
    first = cached.check()
    edit(cached, "app/core/models.py", "import app.web.views\n\n\ndef later():\n    pass\n")
    no_build()
    assert cached.check() == first
    assert cached.check() == first  # and the entry took the new stamp


def test_edit_that_keeps_the_imports_reads_one_shard_of_the_fact_cache(cached, no_build,
                                                                       monkeypatch):
    """What the file said when the report was built is in one of the sixteen shards: the
    lookup reads that one, not the whole fact cache."""
    first = cached.check()
    edit(cached, "app/core/models.py", "import app.web.views\n\nVALUE = 1\n")
    no_build()
    read = []
    original = archlint.facts.store.FactStore._read_shard

    def counted(store, number, recorded):
        read.append(number)
        return original(store, number, recorded)

    monkeypatch.setattr(archlint.facts.store.FactStore, "_read_shard", counted)
    assert cached.check() == first
    assert read == [archlint.facts.store._shard("app/core/models.py")]


@pytest.mark.parametrize("loss", ["deleted", "damaged", "read again for another selection"])
def test_edit_whose_recorded_reading_is_no_longer_held_is_built_again(cached, monkeypatch,
                                                                       loss):
    """The fact cache no longer holds what the file said when the report was built: the edit
    counts as a change, and the build gives the report of a check without the cache."""
    cached.check()
    edit(cached, "app/core/models.py", "import app.web.views\n\nVALUE = 2\n")
    folder = cached.root / ".archlint_cache"
    if loss == "deleted":
        for path in folder.glob("facts.*"):
            path.unlink()
    elif loss == "damaged":  # the same size: the file archlint wrote is told by its stat
        shard = folder / archlint.facts.store.FILE_NAME.format(
            archlint.facts.store._shard("app/core/models.py"))
        shard.write_bytes(bytes(shard.stat().st_size))
    else:  # a build for other contract ids reads the file again and keeps its new facts
        cached.check(contract_ids=["core-no-web"])
    built = []
    original = archlint.graph.resolve
    monkeypatch.setattr(archlint.graph, "resolve", lambda *a: built.append(1) or original(*a))
    assert rows(cached.check()) == rows(cached.check(use_cache=False)) == [
        ("app.core.models", "app.web.views", "app/core/models.py", 1)]
    assert len(built) == 2


def test_settled_unchanged_tree_is_answered_without_walking_it(cached, no_build, no_walk):
    age(cached)
    first = cached.check()
    no_build()
    no_walk()
    assert cached.check() == first


def test_recently_changed_folder_is_walked_and_then_trusted(cached, no_build, no_walk):
    first = cached.check()  # every folder was changed a moment ago
    no_build()
    age(cached)
    assert cached.check() == first  # walked: the entry takes the folders' settled mtimes
    no_walk()
    assert cached.check() == first


def test_check_answered_from_the_cache_loads_neither_grimp_nor_the_contract_types(cached):
    age(cached)
    cached.check()
    probe = ("import sys; from archlint.cli import main; code = main(['check']); "
             "print(code, sorted(m for m in sys.modules if m.split('.')[0] == 'grimp' "
             "or m.startswith(('archlint.contracts', 'archlint.graph', 'archlint.loading'))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=cached.root, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines()[-1] == "1 []"


# -- fresh results ------------------------------------------------------------------------------


def test_changed_file_gives_fresh_results(cached):
    cached.check()
    edit(cached, "app/core/plain.py", "import app.util\nfrom app.web import views\n")
    assert rows(cached.check()) == [
        ("app.core.models", "app.web.views", "app/core/models.py", 1),
        ("app.core.plain", "app.web.views", "app/core/plain.py", 2),
    ]


def test_import_moved_to_another_line_gives_fresh_lines(cached):
    cached.check()
    edit(cached, "app/core/models.py", '"""Models."""\n\nimport app.web.views\n')
    assert rows(cached.check()) == [("app.core.models", "app.web.views", "app/core/models.py", 3)]


def test_changed_contract_gives_fresh_results(cached):
    cached.check()
    cached.contracts(FORBIDDEN.replace('["app.web"]', '["app.util"]'))
    assert rows(cached.check()) == [("app.core.plain", "app.util", "app/core/plain.py", 1)]


def test_new_file_gives_fresh_results(cached):
    cached.check()
    cached.files({"app/core/extra.py": "# extra\n\nimport app.web\n"})
    assert rows(cached.check()) == [
        ("app.core.extra", "app.web", "app/core/extra.py", 3),
        ("app.core.models", "app.web.views", "app/core/models.py", 1),
    ]


def test_new_file_in_a_settled_folder_gives_fresh_results(cached):
    age(cached)
    cached.check()
    cached.files({"app/core/extra.py": "import app.web\n"})
    assert rows(cached.check()) == [
        ("app.core.extra", "app.web", "app/core/extra.py", 1),
        ("app.core.models", "app.web.views", "app/core/models.py", 1),
    ]


def test_new_file_in_a_folder_whose_mtime_stays_gives_fresh_results_when_it_was_recent(cached):
    """A folder changed in the same clock tick as the walk keeps its mtime; such a folder was
    changed too recently to be trusted, so the tree is walked again."""
    cached.check()
    folder = cached.root / "app/core"
    before = folder.stat().st_mtime_ns
    cached.files({"app/core/extra.py": "import app.web\n"})
    os.utime(folder, ns=(before, before))
    assert rows(cached.check()) == [
        ("app.core.extra", "app.web", "app/core/extra.py", 1),
        ("app.core.models", "app.web.views", "app/core/models.py", 1),
    ]


def test_same_size_edit_in_the_same_clock_tick_gives_fresh_results(cached):
    """A file changed a moment before the check keeps no trusted stamp: rewritten to the same
    size with its mtime unchanged (a coarse clock), it is still scanned again."""
    cached.check()
    path = cached.root / "app/core/plain.py"
    before = path.stat().st_mtime_ns
    path.write_text("import app.web \n", encoding="utf-8")  # as long as "import app.util"
    os.utime(path, ns=(before, before))
    assert rows(cached.check()) == [
        ("app.core.models", "app.web.views", "app/core/models.py", 1),
        ("app.core.plain", "app.web", "app/core/plain.py", 1),
    ]


def test_root_package_found_elsewhere_gives_fresh_results(cached):
    """The package moves from the project root to src/: the same folder names, new files."""
    age(cached)
    cached.check()
    (cached.root / "src").mkdir()
    (cached.root / "app").rename(cached.root / "src/app")
    edit(cached, "src/app/core/models.py", "import app.util\n")
    assert rows(cached.check()) == []


def test_new_folder_in_a_settled_tree_gives_fresh_results(cached):
    age(cached)
    cached.check()
    cached.files({"app/core/more/deep.py": "import app.web.views\n"})
    assert rows(cached.check()) == [
        ("app.core.models", "app.web.views", "app/core/models.py", 1),
        ("app.core.more.deep", "app.web.views", "app/core/more/deep.py", 1),
    ]


def test_deleted_file_gives_fresh_results(cached):
    cached.check()
    (cached.root / "app/core/models.py").unlink()
    assert rows(cached.check()) == []


def test_changed_archlint_version_gives_fresh_results(cached, monkeypatch):
    monkeypatch.setattr(archlint.checking, "__version__", "0.0.1")
    cached.check()
    _doctor_cached_reports(cached.root)
    assert rows(cached.check()) == []  # same version: the (doctored) cached report
    monkeypatch.setattr(archlint.checking, "__version__", "0.0.2")
    report = cached.check()
    assert report.version == "0.0.2"
    assert rows(report) == [("app.core.models", "app.web.views", "app/core/models.py", 1)]


def test_another_python_gives_fresh_results(cached, monkeypatch):
    """Python reads what the scanner cannot, and a newer one reads more: one archlint and
    grimp shared by two Pythons must not share their results."""
    cached.check()
    _doctor_cached_reports(cached.root)
    assert rows(cached.check()) == []  # the same Python: the (doctored) cached report
    monkeypatch.setattr(archlint.cache.sys, "version_info", (3, 99, 0, "final", 0))
    assert rows(cached.check()) == [("app.core.models", "app.web.views", "app/core/models.py", 1)]


def test_new_unresolved_import_without_a_graph_edge_gives_fresh_results(cached):
    cached.check()
    edit(cached, "app/core/plain.py", "import app.util\nimport app.gone\n")
    report = cached.check()
    assert [(d.kind, d.path, d.line, d.message) for d in report.diagnostics] == [
        ("unresolved-import", "app/core/plain.py", 2, "app.core.plain imports app.gone, which "
         "does not exist"),
    ]


def test_file_that_stops_parsing_gives_fresh_results(cached):
    cached.check()
    edit(cached, "app/core/models.py", "import app.web.views\ndef broken(:\n")
    report = cached.check()
    assert rows(report) == []
    assert [(d.kind, d.path, d.line) for d in report.diagnostics] == [
        ("syntax-error", "app/core/models.py", 2)]


def setup_public_api_project(project, api: str, test: str, extra: str = "") -> None:
    """app/api.py and tests/test_api.py under an internal contract: tests use app's public API."""
    project.settings(["app", "tests"]).files({
        "app/__init__.py": "", "app/api.py": api, "tests/__init__.py": "",
        "tests/test_api.py": test,
    }).contracts(f"""
        [[contracts]]
        id = "tests-public-api"
        type = "internal"
        importers = ["tests"]
        packages = ["app"]
        {extra}
    """)


def test_change_to_a_file_a_contract_read_beyond_its_imports_gives_fresh_results(project):
    """`respect_all` reads the imported module's `__all__`; editing it keeps its imports."""
    setup_public_api_project(
        project, "__all__ = ['public', 'helper']\n\n\ndef public():\n    pass\n\n\n"
                 "def helper():\n    pass\n", "from app.api import helper\n",
        "respect_all = true")
    assert rows(project.check(use_cache=True)) == []
    edit(project, "app/api.py",
         "__all__ = ['public']\n\n\ndef public():\n    pass\n\n\ndef helper():\n    pass\n")
    assert rows(project.check(use_cache=True)) == [
        ("tests.test_api", "app.api", "tests/test_api.py", 1)]


def test_same_size_edit_of_a_name_in_the_same_clock_tick_gives_fresh_symbol_facts(project):
    """The symbol facts of a file changed a moment ago are read again, not taken from the
    symbol cache by a stamp the edit did not change."""
    setup_public_api_project(project, "def public():\n    pass\n\n\ndef _hiden():\n    pass\n",
                             "from app.api import public\n")
    assert rows(project.check(use_cache=True)) == []
    path = project.root / "tests/test_api.py"
    before = path.stat().st_mtime_ns
    path.write_text("from app.api import _hiden\n", encoding="utf-8")  # the same size
    os.utime(path, ns=(before, before))
    assert rows(project.check(use_cache=True)) == [
        ("tests.test_api", "app.api", "tests/test_api.py", 1)]


# -- options ------------------------------------------------------------------------------------


def test_contract_selection_is_part_of_the_key(cached):
    cached.contracts(FORBIDDEN + """
    [[contracts]]
    id = "core-no-util"
    type = "forbidden"
    source_modules = ["app.core"]
    forbidden_modules = ["app.util"]
    """)
    assert [r.id for r in cached.check(contract_ids=["core-no-util"]).results] == ["core-no-util"]
    assert [r.id for r in cached.check().results] == ["core-no-web", "core-no-util"]
    assert [r.id for r in cached.check(contract_ids=["core-no-web"]).results] == ["core-no-web"]


def test_no_cache_neither_reads_nor_writes_results(cached):
    cached.check()
    _doctor_cached_reports(cached.root)
    result = cached.cli("check", "--no-cache", "--format", "json")
    assert result.code == 1
    assert len(json.loads(result.out)["contracts"][0]["violations"]) == 1
    (cached.root / ".archlint_cache").rename(cached.root / "elsewhere")
    cached.cli("check", "--no-cache")
    assert not (cached.root / ".archlint_cache").exists()


def _doctor_cached_reports(root: Path) -> None:
    """Empty the violations of every cached report, as if an older archlint had missed them."""
    for path in (root / ".archlint_cache" / "results").glob("*.pickle"):
        entry = read_entry(path.read_bytes())
        results = tuple(replace(r, violations=()) for r in entry["report"].results)
        entry["report"] = replace(entry["report"], results=results)
        path.write_bytes(entry_bytes(entry))


# -- the entry's format ----------------------------------------------------------------------


def test_a_report_of_every_kind_of_finding_round_trips_through_an_entry():
    hop = Hop("a.b", "a.c", "a/b.py", 3, "import a.c", in_function=True)
    definitions = (Definition("a.x", "Name", "class", "a/x.py", 1, "class Name:"),
                   Definition("a.y", "Name", "function", "a/y.py", 4, "def Name():"))
    report = Report(
        version="1.2.3",
        results=(
            ContractResult(
                id="x", name="X", type="canonical", description="why", severity="warning",
                violations=(
                    ImportViolation(contract_id="x", importer="a.b", imported="a.d",
                                    path="a/b.py", line=3, line_contents="import a.c",
                                    message="m", chain=(hop, hop), symbol="Name",
                                    replacement=Replacement("a.e", "Name", "N"),
                                    baselined=True),
                    CycleImport(contract_id="x", importer="a.b", imported="a.c", path="a/b.py",
                                line=3, line_contents="import a.c", message="m", chain=(hop,),
                                children=("a.b", "a.c")),
                    DuplicateDefinition(contract_id="x", path="a/y.py", line=4,
                                        line_contents="def Name():", message="m",
                                        symbol="Name", definitions=definitions),
                    UnlistedModule(contract_id="x", path="a/z.py", line=1, line_contents="",
                                   message="m", module="a.z", container="a"),
                ),
            ),
        ),
        diagnostics=(Diagnostic("syntax-error", "a/z.py", 1, "invalid syntax", "warning"),),
        gone=(GoneViolation("x", "a.b", "a.c", None, 2), GoneCycle("x", "a.b", "a.c"),
              GoneDiagnostic("syntax-error", "a/q.py", "invalid syntax", 1)),
        gone_fails=True,
    )
    entry = {"key": {"format": 1}, "files": {"a/b.py": [[1, 2, 3, 4], "f", [], "a.b", "d", "a"]},
             "report": report}
    assert read_entry(entry_bytes(entry)) == entry


def test_an_entry_damaged_where_it_still_unpickles_is_a_miss(cached):
    """One flipped byte inside a contract id unpickles into a different report; the checksum
    makes it a miss, so the check answers as --no-cache does."""
    expected = cached.cli("check", "--no-cache", "--format", "json").out
    cached.cli("check")
    (entry,) = (cached.root / ".archlint_cache" / "results").glob("*.pickle")
    data = entry.read_bytes()
    at = data.index(b"core-no-web")
    entry.write_bytes(data[:at] + b"\x00" + data[at + 1:])
    with pytest.raises(ValueError, match="checksum does not match"):
        read_entry(entry.read_bytes())
    assert cached.cli("check", "--format", "json").out == expected


class _Planted:
    def __reduce__(self):
        return (os.system, ("touch planted",))


def test_an_entry_that_would_run_code_is_a_miss_and_runs_nothing(cached, monkeypatch):
    cached.check()
    (entry,) = (cached.root / ".archlint_cache" / "results").glob("*.pickle")
    entry.write_bytes(entry_bytes({"key": None, "report": _Planted()}))
    monkeypatch.chdir(cached.root)
    with pytest.raises(ValueError, match=re.escape("posix.system is not part of a cached entry")):
        read_entry(entry.read_bytes())
    result = cached.cli("check")
    assert result.code == 1 and "1 violation" in result.out
    assert not (cached.root / "planted").exists()


def test_a_new_file_is_seen_after_a_build_that_needed_no_walk(cached):
    """An edit that changes imports in a settled tree is rebuilt from the recorded walk; the
    next check must still notice a file added after it."""
    age(cached)
    cached.check()
    edit(cached, "app/core/plain.py", "import app.util\nimport app.web\n")
    assert rows(cached.check()) == [
        ("app.core.models", "app.web.views", "app/core/models.py", 1),
        ("app.core.plain", "app.web", "app/core/plain.py", 2)]
    cached.files({"app/core/extra.py": "import app.web\n"})
    assert rows(cached.check()) == [
        ("app.core.extra", "app.web", "app/core/extra.py", 1),
        ("app.core.models", "app.web.views", "app/core/models.py", 1),
        ("app.core.plain", "app.web", "app/core/plain.py", 2)]
