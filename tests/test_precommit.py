"""The pre-commit hook, for real: `pre-commit try-repo` installs this repository's hook into
its own environment and runs it on a temporary git repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[1]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=archlint", "-c", "user.email=archlint@example.com",
                    *args], cwd=repo, check=True, capture_output=True)


def test_hook_definition():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    # the whole project on every commit: a commit that only deletes files lists none
    assert hook == {
        "id": "archlint", "name": "archlint",
        "description": "Check the architecture contracts in contracts/*.toml against the "
                       "import graph.",
        "entry": "archlint check", "language": "python", "pass_filenames": False,
        "always_run": True, "require_serial": True}


def test_pre_commit_passes_on_a_clean_repository_and_fails_on_a_violation(tmp_path):
    inside_git = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=ROOT, capture_output=True)
    if inside_git.returncode != 0:
        pytest.skip("archlint's sources are not a git checkout; try-repo needs one")
    repo = tmp_path / "repo"
    files = {
        "pyproject.toml": '[tool.archlint]\nroot_packages = ["app"]\n',
        "contracts/architecture.toml": (
            '[[contracts]]\nid = "ui-not-db"\nname = "UI never touches the database"\n'
            'type = "forbidden"\nsource_modules = ["app.ui"]\nforbidden_modules = ["app.db"]\n'),
        "app/__init__.py": "",
        "app/ui.py": "import app.service\n",
        "app/service.py": "",
        "app/db.py": "",
    }
    for relative, text in files.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text(text, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "clean project")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), "archlint", "--all-files"],
                              cwd=repo, env=env, capture_output=True, text=True, encoding="utf-8")

    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"^archlint\.+Passed$", clean.stdout, re.M)

    (repo / "app" / "service.py").write_text("import app.db\n", encoding="utf-8")
    git(repo, "add", "-A")
    broken = try_repo()
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert re.search(r"^archlint\.+Failed$", broken.stdout, re.M)
    assert ("  app/ui.py:1  app.ui -> app.db\n"
            "      app.ui depends on app.db through a chain of imports; it is forbidden to use it\n"
            ) in broken.stdout
    git(repo, "reset", "-q", "--hard")

    # a commit that only deletes a module still runs the hook: the import it leaves is dead
    git(repo, "rm", "-q", "app/service.py")
    staged = subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), "archlint"], cwd=repo,
                            env=env, capture_output=True, text=True, encoding="utf-8")
    assert staged.returncode == 1, staged.stdout + staged.stderr
    assert re.search(r"^archlint\.+Failed$", staged.stdout, re.M)
    assert ("  app/ui.py:1  unresolved-import  app.ui imports app.service, which does not exist\n"
            in staged.stdout)
