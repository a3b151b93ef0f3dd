"""Development tasks that need nothing but Python 3.10+:
`python3 tasks.py demo|test [pytest args...]|lint|graphs`.

Each task creates `.venv` on first use (and refreshes it when pyproject.toml changes), so a
fresh clone runs with no other setup.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".archlint-installed"


def ensure_venv() -> None:
    """Create the virtualenv and install archlint with its test dependencies, once per
    version of pyproject.toml."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing archlint and its test dependencies into .venv", flush=True)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "-e", f"{ROOT}[test]")
    STAMP.write_text(wanted)


def run(*command: object, cwd: Path = ROOT, check: bool = True) -> int:
    completed = subprocess.run([str(c) for c in command], cwd=cwd)
    if check and completed.returncode != 0:
        sys.exit(completed.returncode)
    return completed.returncode


EXAMPLE = ROOT / "examples" / "websocket_ssot"
GRAPHS = ROOT / "graphs"
# The pictures checked into graphs/ (DOT, SVG, index.html: what `check --graphs` writes): the
# example's broken contracts, and archlint's own (kept) architecture.
# tests/test_committed_graphs.py fails when they are stale.


def demo() -> int:
    """archlint's main job on the bundled example: check its contracts, show every planted
    drift with its fix and draw the broken contracts into graphs/websocket_ssot/.
    Exit code 1 (contracts broken) is the expected outcome."""
    ensure_venv()
    code = run(BIN / "archlint", "check", "--graphs", GRAPHS / "websocket_ssot", cwd=EXAMPLE,
               check=False)
    if code == 1:
        print("\nexit code 1: the example's planted drift was found, as intended "
              "(see examples/websocket_ssot/README.md)")
        return 0
    return code


def draw_committed_graphs(archlint: list[str], out: Path) -> None:
    """Draw the pictures kept in graphs/ into `out` with the `archlint` command given."""
    run(*archlint, "graph", "--out", out / "websocket_ssot", cwd=EXAMPLE)
    listing = subprocess.run([*archlint, "check", "--format", "json"], cwd=ROOT,
                             capture_output=True, text=True, check=True)
    own = [arg for result in json.loads(listing.stdout)["contracts"]
           for arg in ("--contract", result["id"])]
    run(*archlint, "graph", "--out", out / "archlint", *own, cwd=ROOT)


def graphs() -> int:
    """Redraw the pictures checked into graphs/ (needs Graphviz's dot for the SVGs)."""
    ensure_venv()
    draw_committed_graphs([str(BIN / "archlint")], GRAPHS)
    return 0


def test(*pytest_args: str) -> int:
    """The whole test suite, or what the pytest arguments select (`-m "not slow"` leaves out
    the few tests that take seconds each: real pre-commit, Chromium, 50,000 modules)."""
    ensure_venv()
    return run(BIN / "python", "-m", "pytest", "-q", *pytest_args, check=False)


def lint() -> int:
    """ruff (the rules in pyproject.toml) and mypy --strict on the package."""
    ensure_venv()
    ruff = run(BIN / "ruff", "check", "archlint", "tests", "benchmarks", "tasks.py", "ecosystem",
               check=False)
    mypy = run(BIN / "mypy", "archlint", check=False)
    return ruff or mypy


TASKS = {"demo": demo, "test": test, "lint": lint, "graphs": graphs}

if __name__ == "__main__":
    name, *rest = sys.argv[1:] or [""]
    if name not in TASKS or (rest and name != "test"):
        sys.exit("usage: python3 tasks.py demo | test [pytest args...] | lint | graphs")
    sys.exit(TASKS[name](*rest))
