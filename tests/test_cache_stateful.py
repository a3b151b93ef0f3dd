"""A cached check equals a check without the cache after any sequence of changes to the tree.

Hypothesis drives a project through random steps (add, delete, move and rewrite modules; turn
modules into packages and back; same-size edits with the mtime put back; folders without
`__init__.py`; files that stop parsing; permission changes) and after every step compares the
cached report with a fresh one. CI runs a bounded number of sequences; set
ARCHLINT_STATEFUL_EXAMPLES for a longer run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import archlint.discovery
from archlint import check

EXAMPLES = int(os.environ.get("ARCHLINT_STATEFUL_EXAMPLES", "15"))

# Modules that always exist, so every contract keeps matching something.
SKELETON = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/api.py": "class Manager:\n    pass\n",
    "app/web/__init__.py": "",
    "app/util/__init__.py": "",
}
CONTRACTS = """
[[contracts]]
id = "core-not-web"
type = "forbidden"
source_modules = ["app.core"]
forbidden_modules = ["app.web"]

[[contracts]]
id = "layered"
type = "layers"
layers = ["app.web", "app.core", "app.util"]

[[contracts]]
id = "apart"
type = "independence"
modules = ["app.web", "app.util"]

[[contracts]]
id = "no-cycles"
type = "acyclic"
packages = ["app"]
depth = 2

[[contracts]]
id = "core-entry"
type = "canonical"
package = "app.core"
canonical = ["app.core.api"]
symbols = { Manager = "app.core.api" }

[[contracts]]
id = "no-internals"
type = "internal"
importers = ["app.web"]
packages = ["app.core", "app.util"]
respect_all = true

[[contracts]]
id = "one-manager"
type = "unique"
packages = ["app"]
names = ["Manager", "helper*"]

[[contracts]]
id = "one-class-or-function"
type = "unique"
packages = ["app"]
names = ["Manager", "helper*"]
kinds = ["class", "function"]
"""

PACKAGES = ["app", "app.core", "app.web", "app.util"]
LEAVES = ["a", "b", "c", "_d", "e"]
IMPORTED = [f"{p}.{leaf}" for p in PACKAGES for leaf in LEAVES] + PACKAGES + ["app.gone", "os"]


def import_line(target: str, form: int, name: str) -> str:
    """One import of `target` written in one of several ways."""
    package, _, leaf = target.rpartition(".")
    if form == 0 or not package:
        return f"import {target}"
    if form == 1:
        return f"from {package} import {leaf}"
    if form == 2:
        return f"from {target} import {name}"
    if form == 3:
        return f"if TYPE_CHECKING:\n    from {target} import {name}"
    if form == 4:
        return f"def later():\n    from {package} import {leaf} as alias"
    return f"from {target} import *"


sources = st.lists(
    st.tuples(st.sampled_from(IMPORTED), st.integers(0, 5),
              st.sampled_from(["Manager", "_private", "helper_one", "thing"])),
    max_size=4,
).map(lambda imports: "from typing import TYPE_CHECKING\n" + "".join(
    import_line(*spec) + "\n" for spec in imports))
definitions = st.sampled_from(
    ["", "class Manager:\n    pass\n", "def helper_one():\n    pass\n",
     "__all__ = ['thing']\nthing = 1\n_private = 2\n",
     # a statement only Python 3.12 parses, that may define a wanted name
     'if True:\n    Manager = f"{"x"}"\n'])


class CachedEqualsUncached(RuleBasedStateMachine):
    """A project on disk, changed step by step; the cache must never answer differently."""

    @initialize()
    def create(self) -> None:
        self.saved_settled = archlint.discovery.SETTLED_NS
        archlint.discovery.SETTLED_NS = 0  # trust stamps at once, as a fine clock allows
        self.root = Path(tempfile.mkdtemp(prefix="archlint-stateful-"))
        (self.root / "pyproject.toml").write_text('[tool.archlint]\nroot_packages = ["app"]\n')
        (self.root / "contracts").mkdir()
        (self.root / "contracts" / "contracts.toml").write_text(CONTRACTS)
        for relative, text in SKELETON.items():
            self.write(relative, text)

    def teardown(self) -> None:
        archlint.discovery.SETTLED_NS = self.saved_settled
        shutil.rmtree(self.root, ignore_errors=True)

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))

    def modules(self) -> list[Path]:
        """Files a step may change (never the skeleton)."""
        return sorted(p for p in self.root.glob("app/**/*.py")
                      if p.relative_to(self.root).as_posix() not in SKELETON)

    @rule(package=st.sampled_from(["app", "app/core", "app/web", "app/util", "app/ns"]),
          leaf=st.sampled_from(LEAVES), imports=sources, defined=definitions)
    def add_module(self, package: str, leaf: str, imports: str, defined: str) -> None:
        self.write(f"{package}/{leaf}.py", imports + defined)

    @rule(data=st.data())
    def delete_module(self, data) -> None:
        files = self.modules()
        if files:
            data.draw(st.sampled_from(files)).unlink()

    @rule(data=st.data())
    def module_to_package(self, data) -> None:
        files = [f for f in self.modules() if f.name != "__init__.py"]
        if not files:
            return
        path = data.draw(st.sampled_from(files))
        folder = path.with_suffix("")
        if folder.exists():
            return
        folder.mkdir()
        path.rename(folder / "__init__.py")

    @rule(data=st.data())
    def package_to_module(self, data) -> None:
        inits = [f for f in self.modules() if f.name == "__init__.py"]
        if not inits:
            return
        path = data.draw(st.sampled_from(inits))
        target = path.parent.with_suffix(".py")
        if target.exists() or any(p != path for p in path.parent.iterdir()):
            return
        path.rename(target)
        path.parent.rmdir()

    @rule(data=st.data(), imports=sources)
    def same_size_edit_with_mtime_put_back(self, data, imports: str) -> None:
        files = self.modules()
        if not files:
            return
        path = data.draw(st.sampled_from(files))
        before = path.stat()
        old = path.read_bytes()
        new = imports.encode()[:len(old)].ljust(len(old), b"#")
        path.write_bytes(new)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    @rule(data=st.data())
    def break_and_fix(self, data) -> None:
        files = self.modules()
        if files:
            path = data.draw(st.sampled_from(files))
            text = path.read_text()
            path.write_text(text + "def broken(:\n" if "broken" not in text
                            else text.replace("def broken(:\n", ""))

    @rule(data=st.data(), mode=st.sampled_from([0o644, 0o444, 0o600]))
    def change_permissions(self, data, mode: int) -> None:
        files = self.modules()
        if files:
            data.draw(st.sampled_from(files)).chmod(mode)

    @invariant()
    def cached_check_equals_uncached(self) -> None:
        config = self.root / "pyproject.toml"
        cached = check(config, use_cache=True)
        fresh = check(config, use_cache=False)
        assert cached == fresh


CachedEqualsUncached.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=12, deadline=None)
test_cached_check_equals_uncached = CachedEqualsUncached.TestCase
