"""Bugs the ecosystem check (ecosystem/run.py) found on real projects, each reduced to a tiny tree.

Each test states the behaviour the documentation promises; ecosystem/FINDINGS.md tells the
story of each (project, command, what happened). A bug that still stands is marked
xfail(strict=True): when its fix lands, pytest reports the strict xfail as a failure, and the
mark goes.
"""

from __future__ import annotations

import json
import os
import sys
import time

import pytest

WEB_WITHOUT_DB = """
    [[contracts]]
    id = "web-without-db"
    type = "forbidden"
    source_modules = ["shop.web"]
    forbidden_modules = ["shop.db"]
"""


def settle(project) -> None:
    """Date every file and folder a minute back, as in a checkout: the cache trusts them."""
    past = time.time_ns() - 60 * 10**9
    for path in [project.root, *project.root.rglob("*")]:
        os.utime(path, ns=(past, past))


def cached_and_uncached(project):
    """`check --format json` answered from the cache, then with --no-cache."""
    return project.cli("check", "--format", "json"), project.cli("check", "--format", "json",
                                                                   "--no-cache")


def test_deleting_a_module_imported_by_name_from_its_package_gives_the_uncached_verdict(project):
    project.settings(["shop"]).contracts(WEB_WITHOUT_DB).files({
        "shop/__init__.py": "from shop import db\n",
        "shop/web.py": "from shop import helpers\n",
        "shop/helpers.py": "",
        "shop/db.py": "",
    })
    settle(project)
    assert project.cli("check").code == 0
    (project.root / "shop" / "helpers.py").unlink()
    cached, uncached = cached_and_uncached(project)
    # web now imports the package itself, whose __init__ imports db: the contract is broken.
    assert uncached.code == 1
    assert (cached.code, cached.out) == (uncached.code, uncached.out)


def test_deleting_an_imported_module_reports_the_unresolved_import_from_the_cache(project):
    project.settings(["shop"]).contracts(WEB_WITHOUT_DB).files({
        "shop/__init__.py": "",
        "shop/web.py": "import shop.helpers\n",
        "shop/helpers.py": "",
        "shop/db.py": "",
    })
    settle(project)
    assert project.cli("check").code == 0
    (project.root / "shop" / "helpers.py").unlink()
    cached, uncached = cached_and_uncached(project)
    assert [(d["kind"], d["path"], d["line"]) for d in json.loads(uncached.out)["diagnostics"]] \
        == [("unresolved-import", "shop/web.py", 1)]
    assert (cached.code, cached.out) == (uncached.code, uncached.out)


def test_moving_an_imported_module_into_a_package_reports_the_unresolved_import_from_the_cache(
        project):
    project.settings(["shop"]).contracts(WEB_WITHOUT_DB).files({
        "shop/__init__.py": "",
        "shop/web.py": "import shop.helpers\n",
        "shop/helpers.py": "",
        "shop/db.py": "",
        "shop/sub/__init__.py": "",
    })
    settle(project)
    assert project.cli("check").code == 0
    (project.root / "shop" / "helpers.py").rename(project.root / "shop" / "sub" / "helpers.py")
    cached, uncached = cached_and_uncached(project)
    assert uncached.code == 1
    assert (cached.code, cached.out) == (uncached.code, uncached.out)


def test_an_edit_that_keeps_size_and_modification_time_gives_the_uncached_report(project):
    project.settings(["shop"]).contracts(WEB_WITHOUT_DB).files({
        "shop/__init__.py": "",
        "shop/web.py": "import shop.db\n",
        "shop/db.py": "",
        "shop/ui.py": "",
    })
    settle(project)
    assert project.cli("check").code == 1
    web = project.root / "shop" / "web.py"
    stat = web.stat()
    web.write_text("import shop.ui\n", encoding="utf-8")  # same size
    os.utime(web, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    cached, uncached = cached_and_uncached(project)
    assert uncached.code == 0
    assert (cached.code, cached.out) == (uncached.code, uncached.out)


def test_deleting_a_module_a_contract_names_is_a_configuration_error_from_the_cache(project):
    project.settings(["shop"]).contracts(WEB_WITHOUT_DB).files({
        "shop/__init__.py": "",
        "shop/web.py": "import shop.db\n",
        "shop/db.py": "",
    })
    settle(project)
    assert project.cli("check").code == 1
    (project.root / "shop" / "db.py").unlink()
    cached = project.cli("check")
    assert cached.code == 2
    assert cached.err == ("archlint: error: contracts/contracts.toml:1: contract 'web-without-db', "
                          "key 'forbidden_modules': 'shop.db' matches no module\n")


def test_acyclic_survives_a_nominated_import_that_closes_no_cycle(project):
    # grimp 3.19/3.20 nominate shop.m3 -> shop.m0 with the two imports that do close cycles,
    # although nothing leads from m0 back to m3.
    project.settings(["shop"]).contracts("""
        [[contracts]]
        id = "no-cycles"
        type = "acyclic"
        packages = ["shop"]
    """).files({
        "shop/__init__.py": "",
        "shop/m0.py": "import shop.m1\nimport shop.m4\nimport shop.m5\n",
        "shop/m1.py": "import shop.m4\n",
        "shop/m2.py": "import shop.m3\n",
        "shop/m3.py": "import shop.m0\nimport shop.m2\n",
        "shop/m4.py": "import shop.m5\n",
        "shop/m5.py": "import shop.m0\n",
    })
    result = project.cli("check", "--format", "json", "--no-cache")
    assert result.code == 1, result.err
    pairs = {(v["importer"], v["imported"])
             for c in json.loads(result.out)["contracts"] for v in c["violations"]}
    assert {("shop.m3", "shop.m2"), ("shop.m5", "shop.m0")} <= pairs


def test_import_of_a_compiled_module_with_a_stub_is_not_unresolved(project):
    project.settings(["shop"]).contracts(WEB_WITHOUT_DB).files({
        "shop/__init__.py": "",
        "shop/web.py": "from shop._speedups import render\n",
        "shop/db.py": "",
        "shop/_speedups.pyi": "def render() -> str: ...\n",
    })
    (project.root / "shop" / "_speedups.cpython-311-x86_64-linux-gnu.so").write_bytes(
        b"\x7fELF not really")
    result = project.cli("check", "--format", "json", "--no-cache")
    assert json.loads(result.out)["diagnostics"] == []
    assert result.code == 0


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="needs a Python that cannot parse PEP 695")
def test_file_the_running_python_cannot_parse_is_checked_or_named(project):
    project.settings(["shop", "tests"]).contracts("""
        [[contracts]]
        id = "tests-use-public-api"
        type = "internal"
        importers = ["tests"]
        packages = ["shop"]
    """).files({
        "shop/__init__.py": "",
        "shop/core.py": "def _secret():\n    pass\n",
        "tests/__init__.py": "",
        "tests/test_core.py": "from shop.core import _secret\n\n\nclass Box[T]:\n    pass\n",
    })
    result = project.cli("check", "--format", "json", "--no-cache")
    report = json.loads(result.out)
    violations = [(v["importer"], v["symbol"])
                  for c in report["contracts"] for v in c["violations"]]
    named = [d["path"] for d in report["diagnostics"]]
    assert violations == [("tests.test_core", "_secret")] or named == ["tests/test_core.py"]
