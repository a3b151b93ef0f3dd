"""docs/adoption.md runs as written: every command of its first day, in order, on the
repository it describes, with exactly the output it shows (standard output and error as a
terminal shows them). Its diffs are applied with `git apply`, and a block opened with
```yaml file=PATH is written to PATH."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "adoption.md"
BIN = Path(sys.executable).parent

# The repository the page walks through, as it is before the first command.
PROJECT = {
    "pyproject.toml": '''\
[project]
name = "shop"
version = "1.4.0"
requires-python = ">=3.10"

[build-system]
requires = ["setuptools>=68", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[tool.setuptools.packages.find]
where = ["src"]

[tool.setuptools_scm]
version_file = "src/shop/_version.py"
''',
    ".gitignore": "src/shop/_version.py\n.archlint_cache/\n",
    "src/shop/__init__.py": '''\
try:
    from shop._version import version as __version__
except ImportError:  # written by the build; missing in a fresh checkout
    __version__ = "0.0.0"
''',
    "src/shop/legacy.py": '''\
"""The old entry point, kept for one more release."""
from shop.orders.service import place_order as order

pytestmark = pytest.mark.slow
''',
    "src/shop/web/__init__.py": "",
    "src/shop/web/forms.py": '''\
class OrderForm:
    fields = ("product", "quantity")
''',
    "src/shop/web/views.py": '''\
from shop.orders.service import place_order
from shop.web.forms import OrderForm


def order(request):
    return place_order(OrderForm(), request)
''',
    "src/shop/orders/__init__.py": "",
    "src/shop/orders/pricing.py": '''\
from shop.db.models import Product


def price(product: Product, quantity: int) -> int:
    return product.cents * quantity
''',
    "src/shop/orders/service.py": '''\
from shop.db.models import Order, Product
from shop.db.session import session
from shop.orders.pricing import price


def place_order(form, request):
    product = Product()
    return session.add(Order(price(product, 1)))
''',
    "src/shop/db/__init__.py": "",
    "src/shop/db/models.py": '''\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shop.orders.service import place_order


class Product:
    cents = 100


class Order:
    def __init__(self, total: int) -> None:
        self.total = total
''',
    "src/shop/db/session.py": '''\
from shop.orders import pricing


class Session:
    def add(self, row):
        return pricing.price  # a shortcut taken in a hurry


session = Session()
''',
    "tests/test_orders.py": '''\
from shop.orders.service import place_order


def test_place_order():
    assert place_order(None, None) is not None
''',
    "tests/test_legacy.py": '''\
from shop.legacy import order


def test_the_old_entry_point_still_works():
    assert order is not None
''',
    "docs/conf.py": 'project = "shop"\n',
}

_BLOCK = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.M | re.S)


def steps(text: str) -> list[tuple[str, str]]:
    """The page's runnable blocks in order: ("console", transcript), ("diff", patch),
    ("file PATH", contents)."""
    found = []
    for match in _BLOCK.finditer(text):
        info, body = match.group("info").strip(), match.group("body")
        if info == "console":
            found.append(("console", body))
        elif info == "diff":
            found.append(("diff", body))
        elif " file=" in info:
            found.append((f"file {info.split(' file=', 1)[1]}", body))
    return found


def commands(transcript: str) -> list[tuple[str, str]]:
    """(command, expected output) for each `$ ` line of a console block."""
    found: list[tuple[str, list[str]]] = []
    for line in transcript.splitlines(keepends=True):
        if line.startswith("$ "):
            found.append((line[2:].rstrip("\n"), []))
        else:
            found[-1][1].append(line)
    return [(command, "".join(output)) for command, output in found]


@pytest.fixture
def shop(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "shop"
    for relative, text in PROJECT.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text(text, encoding="utf-8")
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
        "GIT_COMMITTER_NAME": "dev", "GIT_COMMITTER_EMAIL": "dev@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8",
    }
    for command in ("git init -q -b main", "git add -A", "git commit -qm 'shop as it is'"):
        subprocess.run(command, shell=True, cwd=repo, env=env, check=True, capture_output=True)
    return repo, env


def test_the_first_day_runs_as_written(shop):
    repo, env = shop
    ran = 0
    for kind, body in steps(DOC.read_text(encoding="utf-8")):
        if kind == "diff":
            subprocess.run(["git", "apply", "-"], input=body, text=True, cwd=repo, env=env,
                           check=True, capture_output=True)
        elif kind.startswith("file "):
            (repo / kind[5:]).write_text(body, encoding="utf-8")
        else:
            for command, expected in commands(body):
                done = subprocess.run(["bash", "-c", f"{command} 2>&1"], cwd=repo, env=env,
                                      capture_output=True, text=True, encoding="utf-8")
                assert done.stdout == expected, f"$ {command}"
                ran += 1
    assert ran >= 25  # the page was read: every step of the day is there


def test_every_command_of_the_page_is_in_a_console_block():
    text = DOC.read_text(encoding="utf-8")
    outside = _BLOCK.sub("", text)
    assert not re.search(r"^\$ ", outside, re.M)
    inline = {" ".join(found.split())
              for found in re.findall(r"`((?:archlint|git|pre-commit) [^`]*)`", outside)}
    run = {command for kind, body in steps(text) if kind == "console"
           for command, _ in commands(body)}
    assert inline <= run  # a command the prose names is one the page runs
