"""Robustness at scale: a 50,000-module project checks within a generous memory bound, and
pathological graphs (a hub imported by all, a 1,000-import chain, a 1,000-module cycle)
finish with a readable, capped report. Memory is measured, time is not asserted.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from archlint.cli import MAX_EXPLAINED_CHAINS
from archlint.report.text import MAX_CHAIN_HOPS

PACKAGES, MODULES_PER_PACKAGE = 250, 200  # 50,000 modules
# Measured at 295 MB (Python 3.11, grimp 3.20); the limit leaves room for other Pythons and
# allocators, and still catches a doubling.
MEMORY_LIMIT_MB = 450

CONTRACTS = """
[[contracts]]
id = "layers"
type = "layers"
layers = ["big.p0002", "big.p0001", "big.p0000"]

[[contracts]]
id = "apart"
type = "independence"
modules = ["big.p0010", "big.p0011", "big.p0012"]

[[contracts]]
id = "no-cycles"
type = "acyclic"
packages = ["big.p0020"]
"""


def write_large_project(root: Path) -> None:
    """Packages of plain modules; each module imports three others, mostly in its own
    package, sometimes in a package numbered lower, as layered code does (a fixed seed
    keeps the project the same every run)."""
    rng = random.Random(7)
    (root / "pyproject.toml").write_text('[tool.archlint]\nroot_packages = ["big"]\n')
    (root / "contracts").mkdir()
    (root / "contracts" / "big.toml").write_text(CONTRACTS)
    (root / "big").mkdir()
    (root / "big" / "__init__.py").write_text("")
    for p in range(PACKAGES):
        folder = root / "big" / f"p{p:04d}"
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        for m in range(MODULES_PER_PACKAGE):
            targets = [
                f"big.p{p if p == 0 or rng.random() < 0.9 else rng.randrange(p):04d}"
                f".m{rng.randrange(MODULES_PER_PACKAGE):04d}"
                for _ in range(3)
            ]
            (folder / f"m{m:04d}.py").write_text(
                "".join(f"import {t}\n" for t in targets) + "VALUE = 1\n")


@pytest.mark.slow
def test_fifty_thousand_modules_check_within_the_memory_bound(tmp_path):
    write_large_project(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "archlint", "check", "--format", "json", "--no-cache"],
        cwd=tmp_path, capture_output=True, text=True, timeout=1200)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)
    assert [(c["id"], c["status"], len(c["violations"])) for c in report["contracts"]] == [
        ("layers", "kept", 0), ("apart", "broken", 15), ("no-cycles", "broken", 116)]
    assert report["diagnostics"] == []
    assert peak_mb < MEMORY_LIMIT_MB
    print(f"\n50,000 modules: peak memory {peak_mb:.0f} MB")


def test_pathological_graphs_finish_and_the_report_is_capped(project):
    """A hub imported by 1,000 modules, a chain of 1,000 imports, a cycle of 1,000 modules."""
    files = {"app/__init__.py": "", "app/hub.py": "", "app/end.py": "",
             "app/users/__init__.py": "", "app/chain/__init__.py": "",
             "app/ring/__init__.py": ""}
    for n in range(1000):
        files[f"app/users/u{n:04d}.py"] = "import app.hub\n"
        following = f"app.chain.c{n + 1:04d}" if n < 999 else "app.end"
        files[f"app/chain/c{n:04d}.py"] = f"import {following}\n"
        files[f"app/ring/r{n:04d}.py"] = f"import app.ring.r{(n + 1) % 1000:04d}\n"
    project.settings(["app"]).files(files).contracts("""
        [[contracts]]
        id = "long-chain"
        type = "forbidden"
        source_modules = ["app.chain.c0000"]
        forbidden_modules = ["app.end"]

        [[contracts]]
        id = "hub"
        type = "forbidden"
        source_modules = ["app.users"]
        forbidden_modules = ["app.hub"]

        [[contracts]]
        id = "ring"
        type = "acyclic"
        packages = ["app.ring"]
    """)
    result = project.cli("check", "--no-cache")
    lines = result.out.splitlines()
    assert result.code == 1
    assert lines[-1] == ("3 contracts: 0 kept, 3 broken · 1002 violations "
                         "(1002 new, 0 baselined)")
    # the 1,000-import chain: first and last hops, and a line that says what is left out
    start = lines.index("  app/chain/c0000.py:1  app.chain.c0000 -> app.end")
    shown = lines[start + 2:start + 2 + MAX_CHAIN_HOPS]
    assert shown[MAX_CHAIN_HOPS // 2].strip() == (
        "... 989 more imports not shown; `archlint explain app.chain.c0000 app.end` or "
        "--format json shows the whole chain")
    assert shown[-1].split() == ["app.chain.c0999", "->", "app.end", "app/chain/c0999.py:1",
                                 "import", "app.end"]
    # the cycle is cut once and shown with all of it in the JSON report
    report = json.loads(project.cli("check", "--format", "json", "--no-cache").out)
    ring = next(c for c in report["contracts"] if c["id"] == "ring")
    (cut,) = ring["violations"]
    assert len(cut["chain"]) == 1000

    explained = project.cli("explain", "app.users", "app.hub")
    assert explained.out.splitlines()[0] == (
        f"1000 chains from app.users to app.hub (the {MAX_EXPLAINED_CHAINS} shortest shown)")
    assert sum(1 for line in explained.out.splitlines() if line[:1].isdigit()) \
        == MAX_EXPLAINED_CHAINS + 1
