"""What the ecosystem check does to one project: every archlint command, with the invariants.

Each step runs archlint as a user would (the console script of the ecosystem virtualenv, in a
copy of the unpacked project) and records a failure for every broken promise instead of
stopping: a traceback, `internal error` or exit code 3 anywhere; an exit code the command
should not give; a cached answer that differs from `--no-cache`; output that differs between
two runs or two PYTHONHASHSEED values; a fix that leaves a file that no longer compiles; a
verdict or violating import that differs from import-linter's without a documented reason.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .projects import Project

HERE = Path(__file__).resolve().parent
CORPORA = HERE / "corpora"
BIN = CORPORA / "venv" / "bin"
ARCHLINT = str(BIN / "archlint")
PYTHON = str(BIN / "python")
GRAPH_FORMATS = ("dot", "svg", "png", "html", "mermaid")
SEEDS = ("1", "2")
MAX_KEYS = 300  # violations of a contract listed by name in results.json

# The differences from import-linter that archlint documents; every other one is a failure.
GRIMP_MISSES = ("a module import-linter does not see: grimp leaves out folders without "
                "__init__.py (docs/configuration.md, 'Which files are in the graph')")
IGNORE_DESCENDANTS = ("an ignore entry covers the descendants of both sides in archlint, "
                      "only the named modules in import-linter (docs/migrate.md)")


class StepAbort(Exception):
    """The step cannot go on; its failure is recorded already."""


@dataclass
class Outcome:
    command: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Failure:
    step: str
    message: str


@dataclass
class Difference:
    """One way archlint's answer after `migrate` differs from import-linter's."""
    contract: str
    what: str
    reason: str  # "" when archlint documents no reason for it

    def line(self) -> str:
        return f"{self.contract}: {self.what}" + (f" ({self.reason})" if self.reason else "")


@dataclass
class Record:
    """What a run measured of one project (results.json holds one per project)."""
    steps: dict[str, str] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    files: int = 0
    modules: int = 0
    contracts: dict[str, dict] = field(default_factory=dict)
    diagnostics: dict[str, int] = field(default_factory=dict)
    diagnostic_keys: list[str] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)
    lint_imports: dict = field(default_factory=dict)
    project_tests: str = ""
    unparsed: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "steps": self.steps,
            "failures": [[f.step, f.message] for f in self.failures],
            "files": self.files, "modules": self.modules,
            "contracts": self.contracts,
            "diagnostics": self.diagnostics, "diagnostic_keys": self.diagnostic_keys,
            "times": self.times, "lint_imports": self.lint_imports,
            "project_tests": self.project_tests, "unparsed": self.unparsed,
        }


def violation_key(violation: dict) -> str:
    symbol = f" [{violation['symbol']}]" if violation.get("symbol") else ""
    return (f"{violation['path']}:{violation['line']} {violation['importer']} -> "
            f"{violation['imported']}{symbol}")


def diagnostic_key(diagnostic: dict) -> str:
    return f"{diagnostic['kind']} {diagnostic['path']}:{diagnostic['line']}"


class ProjectRun:
    """The steps for one project; `run_all()` does them all and returns the Record."""

    STEPS = ("init", "check", "determinism", "formats", "graph", "explain", "baseline", "fix",
             "edits", "migrate")
    NEED_REPORT = frozenset({"determinism", "formats", "graph", "explain", "baseline", "fix"})

    def __init__(self, project: Project, pristine: Path, quick: bool) -> None:
        self.project = project
        self.pristine = pristine
        self.quick = quick
        self.record = Record()
        self.step = ""
        self.logs = CORPORA / "logs" / project.name
        self.root = Path()  # the copy the steps from check to fix work in
        self.reference = ""  # the JSON report of the committed contracts, unchanged tree
        self.reference_code = 0
        self.report: dict = {}
        self.settings: dict = {}

    # -- running commands ---------------------------------------------------------------------

    def fail(self, message: str) -> None:
        self.record.failures.append(Failure(self.step, message))

    def run(self, command: list[str], cwd: Path, *, expect: tuple[int, ...] = (0, 1),
            seed: str | None = None, env: dict | None = None) -> Outcome:
        """Run a command and log it; for archlint, check the invariants every run must keep."""
        environment = dict(os.environ, **(env or {}))
        environment.pop("PYTHONHASHSEED", None)
        if seed is not None:
            environment["PYTHONHASHSEED"] = seed
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True,
                              text=True, errors="replace")
        outcome = Outcome(command, done.returncode, done.stdout, done.stderr,
                          time.perf_counter() - started)
        self._log(outcome, cwd)
        shown = " ".join(["archlint" if c == ARCHLINT else c for c in command])
        if command[0] == ARCHLINT:  # standard output may quote checked code: stderr only
            if outcome.code == 3 or "internal error" in outcome.stderr:
                self.fail(f"`{shown}`: internal error (exit {outcome.code}): "
                          f"{_tail(outcome.stderr)}")
            elif "Traceback (most recent call last)" in outcome.stderr:
                self.fail(f"`{shown}`: traceback: {_tail(outcome.stderr)}")
        if outcome.code not in expect and outcome.code != 3:
            self.fail(f"`{shown}` exited {outcome.code}, expected "
                      f"{' or '.join(map(str, expect))}: {_tail(outcome.stderr or outcome.stdout)}")
        return outcome

    def archlint(self, *args: str, cwd: Path, expect: tuple[int, ...] = (0, 1),
                 seed: str | None = None) -> Outcome:
        return self.run([ARCHLINT, *args], cwd, expect=expect, seed=seed)

    def _log(self, outcome: Outcome, cwd: Path) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        count = len(list(self.logs.iterdir())) + 1
        name = f"{count:03d}-{self.step}.txt"
        (self.logs / name).write_text(
            f"$ cd {cwd}\n$ {' '.join(outcome.command)}\nexit {outcome.code} in "
            f"{outcome.seconds:.2f}s\n--- stdout\n{outcome.stdout}\n--- stderr\n{outcome.stderr}",
            encoding="utf-8")

    # -- copies of the project -----------------------------------------------------------------

    def copy(self, purpose: str, *, configured: bool) -> Path:
        """A fresh copy of the unpacked project (file times kept); its root folder."""
        target = CORPORA / "work" / self.project.name / purpose
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.pristine, target, symlinks=True)
        root = target / self.project.root
        if configured:
            committed = HERE / "projects" / self.project.name
            shutil.copy2(committed / "archlint.toml", root / "archlint.toml")
            if (root / "contracts").exists():
                raise RuntimeError(f"{root / 'contracts'} exists in the project")
            shutil.copytree(committed / "contracts", root / "contracts")
        return root

    # -- the steps -----------------------------------------------------------------------------

    def run_all(self) -> Record:
        shutil.rmtree(self.logs, ignore_errors=True)
        for step in self.STEPS:
            self.step = step
            if step in self.NEED_REPORT and not self.reference:
                self.record.steps[step] = "skipped: check printed no report"
                continue
            before = len(self.record.failures)
            try:
                skipped = getattr(self, f"step_{step}")()
            except StepAbort:
                skipped = None
            except Exception:  # a bug in the harness: say so, and go on with the next step
                self.fail(f"harness error: {traceback.format_exc(limit=3).strip()}")
                skipped = None
            failed = len(self.record.failures) > before
            self.record.steps[step] = ("FAIL" if failed else f"skipped: {skipped}" if skipped
                                       else "pass")
        return self.record

    def step_init(self) -> str | None:
        """`archlint init` on a pristine copy, then `check` passes at once, as init promises."""
        root = self.copy("init", configured=False)
        self.archlint("init", cwd=root, expect=(0,))
        self.archlint("check", cwd=root, expect=(0,))
        return None

    def step_check(self) -> str | None:
        """Cold (empty cache), --no-cache and warm: the same bytes; the records."""
        root = self.copy("check", configured=True)
        self.root = root
        self.settings = read_settings(root)
        self.record.files, self.record.modules = count_modules(root, self.settings)
        cold = self.archlint("check", "--format", "json", cwd=root)
        self.record.times["cold"] = round(cold.seconds, 2)
        if cold.code not in (0, 1):
            raise StepAbort
        uncached = self.archlint("check", "--format", "json", "--no-cache", cwd=root)
        warm = self.archlint("check", "--format", "json", cwd=root)
        self.record.times["warm"] = round(warm.seconds, 2)
        self.same("cold (empty cache) and --no-cache", cold, uncached)
        self.same("cold and warm", cold, warm)
        text = self.archlint("check", cwd=root)
        text_uncached = self.archlint("check", "--no-cache", cwd=root)
        self.same("text, cached and --no-cache", text, text_uncached)
        self.reference = cold.stdout
        self.reference_code = cold.code
        self.report = json.loads(cold.stdout)
        for result in self.report["contracts"]:
            keys = sorted(violation_key(v) for v in result["violations"])
            self.record.contracts[result["id"]] = {
                "type": result["type"], "status": result["status"],
                "violations": len(keys),
                # Listed while they stay readable; beyond that a digest still shows a change.
                "keys": keys if len(keys) <= MAX_KEYS else [],
                "digest": hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16],
            }
        kinds: dict[str, int] = {}
        for diagnostic in self.report["diagnostics"]:
            kinds[diagnostic["kind"]] = kinds.get(diagnostic["kind"], 0) + 1
        self.record.diagnostics = dict(sorted(kinds.items()))
        self.record.diagnostic_keys = sorted(diagnostic_key(d) for d in self.report["diagnostics"])
        if not any(r["status"] == "broken" for r in self.report["contracts"]):
            self.fail("no contract is broken: the committed contracts must break at least one")
        named = {d["path"] for d in self.report["diagnostics"] if d["kind"] == "syntax-error"}
        self.record.unparsed = [p for p in unparsable(root, self.settings) if p not in named]
        return None

    def step_determinism(self) -> str | None:
        """--no-cache with two PYTHONHASHSEED values: JSON and text byte-identical."""
        texts = []
        for seed in SEEDS:
            json_run = self.archlint("check", "--format", "json", "--no-cache", cwd=self.root,
                                     seed=seed)
            self.same(f"JSON with PYTHONHASHSEED={seed} and the first run", json_run,
                      self.reference)
            texts.append(self.archlint("check", "--no-cache", cwd=self.root, seed=seed))
        self.same(f"text with PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]}", *texts)
        return None

    def step_formats(self) -> str | None:
        """SARIF and github hold every violation and diagnostic; --output writes the JSON."""
        counted = self.report["summary"]["violations"] + len(self.report["diagnostics"])
        sarif = self.archlint("check", "--format", "sarif", cwd=self.root)
        try:
            document = json.loads(sarif.stdout)
            results = document["runs"][0]["results"]
            if document.get("version") != "2.1.0":
                self.fail(f"SARIF version is {document.get('version')!r}, not 2.1.0")
            if len(results) != counted:
                self.fail(f"SARIF has {len(results)} results for {counted} violations and "
                          "diagnostics")
        except (ValueError, KeyError, IndexError) as exc:
            self.fail(f"SARIF output is not a SARIF document: {exc}")
        self.same(f"SARIF with PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]}", sarif,
                  self.archlint("check", "--format", "sarif", "--no-cache", cwd=self.root,
                                seed=SEEDS[1]))
        github = self.archlint("check", "--format", "github", cwd=self.root)
        self.same(f"github format with PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]}", github,
                  self.archlint("check", "--format", "github", "--no-cache", cwd=self.root,
                                seed=SEEDS[1]))
        lines = github.stdout.splitlines()
        commands = [line for line in lines if line.startswith("::")]
        if len(commands) != counted or len(lines) != counted + 1:
            self.fail(f"github format: {len(commands)} workflow commands and "
                      f"{len(lines) - len(commands)} other lines for {counted} violations and "
                      "diagnostics (expected one command each and the summary line)")
        target = self.root.parent / "report.json"
        written = self.archlint("check", "--format", "json", "--output", str(target),
                                cwd=self.root)
        if target.read_text(encoding="utf-8") != self.reference:
            self.fail("check --output wrote a report that differs from standard output's")
        for outcome in (sarif, github, written):
            if outcome.code != self.reference_code:
                self.fail(f"`{' '.join(outcome.command[1:])}` exited {outcome.code}, the JSON "
                          f"report {self.reference_code}")
        return None

    def step_graph(self) -> str | None:
        """`graph --map` in every format, twice with different seeds: the same files, the same
        bytes."""
        options = [a for f in GRAPH_FORMATS for a in ("--format", f)]
        folders = []
        for seed in SEEDS:
            out = self.root.parent / f"graphs-{seed}"
            shutil.rmtree(out, ignore_errors=True)
            self.archlint("graph", "--out", str(out), "--map", *options, cwd=self.root,
                          expect=(0,), seed=seed)
            folders.append(out)
        first, second = (sorted(p.name for p in f.iterdir()) if f.exists() else []
                         for f in folders)
        if first != second:
            self.fail(f"graph wrote different files with PYTHONHASHSEED={SEEDS[0]} and "
                      f"{SEEDS[1]}: {first} and {second}")
        for name in sorted(set(first) & set(second)):
            if (folders[0] / name).read_bytes() != (folders[1] / name).read_bytes():
                self.fail(f"graph: {name} differs between PYTHONHASHSEED={SEEDS[0]} and "
                          f"{SEEDS[1]}")
        broken = [r["id"] for r in self.report["contracts"] if r["status"] == "broken"]
        # Without Graphviz archlint writes DOT, Mermaid and HTML only, and says so.
        suffixes = ("dot", "svg", "png", "mmd") if shutil.which("dot") else ("dot", "mmd")
        expected = {f"{i}.{s}" for i in broken for s in suffixes}
        expected |= {"index.html", *(f"project_map.{s}" for s in suffixes)}
        missing = sorted(expected - set(first))
        if missing:
            self.fail(f"graph did not write {', '.join(missing)}")
        kept = [r["id"] for r in self.report["contracts"] if r["status"] == "kept"]
        if kept:
            out = self.root.parent / "graphs-kept"
            shutil.rmtree(out, ignore_errors=True)
            self.archlint("graph", "--contract", kept[0], "--out", str(out), "--format", "dot",
                          cwd=self.root, expect=(0,))
            if not (out / f"{kept[0]}.dot").exists():
                self.fail(f"graph --contract {kept[0]} (kept) drew no {kept[0]}.dot")
        return None

    def step_explain(self) -> str | None:
        """`explain` on a reported chain: it finds a chain no longer than the one reported."""
        violations = [v for r in self.report["contracts"] for v in r["violations"]
                      if r["type"] != "unique" and v["chain"]]
        if not violations:
            return "no violation with a chain"
        chosen = next((v for v in violations if len(v["chain"]) >= 2), violations[0])
        importer, imported = chosen["importer"], chosen["imported"]
        outputs = [self.archlint("explain", importer, imported, cwd=self.root, expect=(0,),
                                 seed=seed) for seed in SEEDS]
        self.same(f"explain with PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]}", *outputs)
        lines = outputs[0].stdout.splitlines()
        heading = re.match(rf"(\d+) chains? from {re.escape(importer)} to {re.escape(imported)}",
                           lines[0] if lines else "")
        first = re.match(r"1\. \S+ -> \S+  \((\d+) imports?\)", lines[1] if len(lines) > 1 else "")
        if not heading or not first:
            self.fail(f"explain {importer} {imported} found no chain for a reported violation "
                      f"(chain of {len(chosen['chain'])}): {_tail(outputs[0].stdout)}")
        elif int(first.group(1)) > len(chosen["chain"]):
            self.fail(f"explain {importer} {imported}: its shortest chain has "
                      f"{first.group(1)} imports, the reported one {len(chosen['chain'])}")
        return None

    def step_baseline(self) -> str | None:
        """`baseline`, then `check` passes; a planted violation fails it, alone."""
        path, text, contract = self.project.plant
        self.archlint("baseline", cwd=self.root, expect=(0,))
        after = self.archlint("check", "--format", "json", cwd=self.root, expect=(0,))
        summary = _summary(after)
        if summary and summary["new"]:
            self.fail(f"check after baseline reports {summary['new']} new violations")
        planted = self.root / path
        planted.parent.mkdir(parents=True, exist_ok=True)
        planted.write_text(text, encoding="utf-8")
        module = _module_of(path, self.settings)
        try:
            with_plant = self.archlint("check", "--format", "json", cwd=self.root, expect=(1,))
            try:
                report = json.loads(with_plant.stdout)
            except ValueError:
                self.fail("check with the planted violation printed no JSON report")
                raise StepAbort from None
            new = [(r["id"], v) for r in report["contracts"] for v in r["violations"]
                   if not v["baselined"]]
            # Other contracts may break too, but only by the planted module (or, for acyclic,
            # a cycle through it).
            wrong = [f"{cid}: {violation_key(v)}" for cid, v in new
                     if v["importer"] != module
                     and module not in {h["importer"] for h in v["chain"]}]
            if not any(cid == contract for cid, _ in new):
                self.fail(f"the planted import in {path} is no new violation of {contract}")
            if wrong:
                self.fail(f"besides the planted one, new violations: {'; '.join(wrong[:5])}")
            new_diagnostics = [diagnostic_key(d) for d in report["diagnostics"]
                               if not d["baselined"]]
            if new_diagnostics:
                self.fail(f"the planted module brought new diagnostics: {new_diagnostics[:5]}")
            self.archlint("baseline", "--update", cwd=self.root, expect=(1,))
        finally:
            planted.unlink()
            (self.root / self.settings.get("baseline", "contracts/baseline.json")).unlink(
                missing_ok=True)
        back = self.archlint("check", "--format", "json", cwd=self.root)
        self.same("check after the plant and the baseline are gone, and the first check", back,
                  self.reference)
        return None

    def step_fix(self) -> str | None:
        """`fix --diff` then `fix --write`: the fixable violations go, every file compiles."""
        contract = self.project.fix_contract
        fixable = [v for r in self.report["contracts"] if r["id"] == contract
                   for v in r["violations"] if v["fix"]]
        if not fixable:
            self.fail(f"contract {contract} has no violation with a fix")
            raise StepAbort
        imports_before = self.import_packages()
        tests_before = self.project_tests()
        diff = self.archlint("fix", "--contract", contract, cwd=self.root, expect=(0,))
        changed = sorted({line[len("--- a/"):] for line in diff.stdout.splitlines()
                          if line.startswith("--- a/")})
        if not changed:
            self.fail(f"fix --diff changes no file for {len(fixable)} fixable violations")
        compiled_before = {p: compiles(self.root / p) for p in changed}
        self.archlint("fix", "--contract", contract, "--write", cwd=self.root)
        for path in changed:
            if compiled_before[path] is None and compiles(self.root / path) is not None:
                self.fail(f"{path} no longer compiles after fix --write: "
                          f"{compiles(self.root / path)}")
        after = self.archlint("check", "--format", "json", cwd=self.root)
        uncached = self.archlint("check", "--format", "json", "--no-cache", cwd=self.root)
        self.same("check after fix --write, cached and --no-cache", after, uncached)
        try:
            report = json.loads(after.stdout)
        except ValueError:
            raise StepAbort from None
        left = [violation_key(v) for r in report["contracts"] if r["id"] == contract
                for v in r["violations"] if v["fix"]]
        not_fixed = [line for line in diff.stdout.splitlines() if "] not fixed: " in line]
        if len(left) > len(not_fixed):
            self.fail(f"{len(left)} violations with a fix remain after fix --write "
                      f"({len(not_fixed)} were listed as not fixed): {left[:3]}")
        again = self.archlint("fix", "--contract", contract, cwd=self.root, expect=(0,))
        if "would fix" in again.stdout:
            self.fail(f"fix --diff after fix --write still finds fixes: {_tail(again.stdout)}")
        imports_after = self.import_packages()
        for package, problem in imports_after.items():
            if imports_before.get(package) is None and problem is not None:
                self.fail(f"`import {package}` worked before fix --write and fails after: "
                          f"{problem}")
        tests_after = self.project_tests()
        if tests_before != tests_after:
            self.fail(f"the project's tests gave '{tests_before}' before fix --write and "
                      f"'{tests_after}' after")
        if tests_before:
            self.record.project_tests = tests_after
        return None

    def step_edits(self) -> str | None:
        """The scripted edits on a fresh copy; after each, the cached check equals --no-cache."""
        project = self.project
        root = self.copy("edits", configured=True)
        self.archlint("check", "--format", "json", cwd=root)  # the cache the edits start from
        with open(root / project.touch, "a", encoding="utf-8") as handle:
            handle.write("# touched by the ecosystem check\n")
        touched = self.compare_cached(root, "a comment appended to " + project.touch)
        self.record.times["touched"] = round(touched, 2)
        path, text = project.add
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
        self.compare_cached(root, f"module {path} added")
        (root / project.delete).unlink()
        self.compare_cached(root, f"module {project.delete} deleted")
        source, package = project.move
        (root / source).rename(root / package / Path(source).name)
        self.compare_cached(root, f"module {source} moved into {package}")
        path, old, new = project.same_size_edit
        target = root / path
        stat = target.stat()
        content = target.read_text(encoding="utf-8")
        if len(old.encode()) != len(new.encode()) or content.count(old) != 1:
            raise RuntimeError(f"same_size_edit of {path}: the text must occur once and keep "
                               "its length in bytes")
        target.write_text(content.replace(old, new), encoding="utf-8")
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        if target.stat().st_size != stat.st_size:
            raise RuntimeError(f"same_size_edit changed the size of {path}")
        self.compare_cached(root, f"{path} edited, same size and modification time")
        return None

    def step_migrate(self) -> str | None:
        """`migrate` of the project's own import-linter configuration, beside lint-imports."""
        config = self.project.importlinter_config
        if not config:
            return "no import-linter configuration in the archive"
        if not (BIN / "lint-imports").exists():
            return "import-linter is not installed (it needs Python 3.11+)"
        root = self.copy("migrate", configured=False)
        env = {"PYTHONPATH": os.pathsep.join(str(root / p) for p in self.project.python_path)}
        theirs_run = self.run([PYTHON, str(HERE / "importlinter_report.py"), config], root,
                              expect=(0,), env=env)
        theirs = json.loads(theirs_run.stdout) if theirs_run.code == 0 else {"error": "crashed"}
        record = self.record.lint_imports = {"config": config}
        if not self.quick:
            record["times"] = self.time_lint_imports(root, config, env)
        migrated = self.archlint("migrate", cwd=root, expect=(0,))
        record["not_carried_over"] = [line.strip() for line in
                                      migrated.stdout.split("not carried over:")[-1].splitlines()
                                      if line.startswith("  ")] \
            if "not carried over:" in migrated.stdout else []
        if migrated.code != 0:
            raise StepAbort
        cold = self.archlint("check", "--format", "json", cwd=root)
        warm = self.archlint("check", "--format", "json", cwd=root)
        self.same("migrated contracts: cold and warm", cold, warm)
        with open(root / self.project.touch, "a", encoding="utf-8") as handle:
            handle.write("# touched by the ecosystem check\n")
        touched = self.compare_cached(root, "migrated contracts, a comment appended to "
                                      + self.project.touch)
        record["archlint_times"] = {"cold": round(cold.seconds, 2), "warm": round(warm.seconds, 2),
                                    "touched": round(touched, 2)}
        if "error" in theirs:
            record["error"] = theirs["error"]
            record["differences"] = []
            return None
        try:
            ours = json.loads(cold.stdout)
        except ValueError:
            self.fail("check after migrate printed no JSON report")
            raise StepAbort from None
        differences = compare_with_import_linter(ours, theirs)
        record["verdicts"] = {c["name"]: c["verdict"] for c in theirs["contracts"]}
        record["direct_imports"] = sum(len(c["direct"]) for c in theirs["contracts"])
        record["modules"] = len(theirs["modules"])
        differences += self.compare_without_ignores(root, config, env)
        record["differences"] = [[d.contract, d.what, d.reason] for d in differences]
        for difference in differences:
            if not difference.reason:
                self.fail(f"differs from import-linter, undocumented: {difference.line()}")
        return None

    def compare_without_ignores(self, root: Path, config: str, env: dict) -> list[Difference]:
        """Both tools again with every ignore entry left out, so that contracts kept only
        thanks to their reviewed exceptions are compared broken, import by import."""
        contracts = sorted((root / "contracts").glob("*.toml"))
        if not any(re.search(r"(?m)^ignore = ", p.read_text(encoding="utf-8")) for p in contracts):
            return []
        for path in contracts:
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"(?m)^ignore = .*\n", "", text), encoding="utf-8")
        run = self.run([PYTHON, str(HERE / "importlinter_report.py"), config, "--without-ignores"],
                       root, expect=(0,), env=env)
        theirs = json.loads(run.stdout) if run.code == 0 else {"error": "crashed"}
        ours = self.archlint("check", "--format", "json", "--no-cache", cwd=root)
        if "error" in theirs:
            return []
        try:
            report = json.loads(ours.stdout)
        except ValueError:
            self.fail("check after removing the ignore entries printed no JSON report")
            return []
        self.record.lint_imports["verdicts_without_ignores"] = {
            c["name"]: c["verdict"] for c in theirs["contracts"]}
        self.record.lint_imports["direct_imports_without_ignores"] = sum(
            len(c["direct"]) for c in theirs["contracts"])
        return [Difference(f"{d.contract} (ignore entries left out)", d.what, d.reason)
                for d in compare_with_import_linter(report, theirs)]

    # -- helpers of the steps ------------------------------------------------------------------

    def same(self, what: str, first: Outcome | str, second: Outcome | str) -> None:
        """Record a failure when two outputs (or exit codes) differ; show the first difference."""
        a = first if isinstance(first, str) else first.stdout
        b = second if isinstance(second, str) else second.stdout
        codes = [o.code for o in (first, second) if isinstance(o, Outcome)]
        if len(set(codes)) > 1:
            self.fail(f"{what}: exit codes {codes[0]} and {codes[1]}")
        if a != b:
            self.fail(f"{what}: outputs differ: {first_difference(a, b)}")

    def compare_cached(self, root: Path, edit: str) -> float:
        """The cached check against --no-cache after an edit; the cached run's seconds."""
        cached = self.archlint("check", "--format", "json", cwd=root)
        uncached = self.archlint("check", "--format", "json", "--no-cache", cwd=root)
        if cached.stdout != uncached.stdout or cached.code != uncached.code:
            self.fail(f"after {edit}: the cached check (exit {cached.code}) differs from "
                      f"--no-cache (exit {uncached.code}): "
                      f"{report_difference(cached.stdout, uncached.stdout)}")
            # The next edit starts from a cache that is right for the tree as it is now.
            shutil.rmtree(root / read_settings(root).get("cache_dir", ".archlint_cache"),
                          ignore_errors=True)
            self.archlint("check", "--format", "json", cwd=root)
        return cached.seconds

    def time_lint_imports(self, root: Path, config: str, env: dict) -> dict:
        """lint-imports cold (no cache), warm, and after a comment appended to one file."""
        command = [str(BIN / "lint-imports"), config, "--no-logo"]
        shutil.rmtree(root / ".import_linter_cache", ignore_errors=True)
        cold = self.run(command, root, env=env)
        warm = self.run(command, root, env=env)
        with open(root / self.project.touch, "a", encoding="utf-8") as handle:
            handle.write("# touched by the ecosystem check (lint-imports)\n")
        touched = self.run(command, root, env=env)
        return {"cold": round(cold.seconds, 2), "warm": round(warm.seconds, 2),
                "touched": round(touched.seconds, 2), "exit": cold.code}

    def project_tests(self) -> str:
        """The project's own tests, where they need nothing but pytest: pytest's summary."""
        if not self.project.tests:
            return ""
        paths = os.pathsep.join(str(self.root / p) for p in self.project.python_path)
        done = self.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                         *self.project.tests], self.root, expect=(0, 1),
                        env={"PYTHONPATH": paths})
        return _pytest_summary(done.stdout)

    def import_packages(self) -> dict[str, str | None]:
        """`import X` for the project's dependency-free packages, from this copy: None or why
        not."""
        results = {}
        paths = os.pathsep.join(str(self.root / p) for p in self.project.python_path)
        for package in self.project.import_check:
            code = (f"import {package}, sys; f = {package}.__file__; "
                    f"sys.exit(0 if f.startswith({str(self.root)!r}) else 'imported ' + f)")
            done = subprocess.run([PYTHON, "-c", code], cwd=self.root.parent,
                                  env=dict(os.environ, PYTHONPATH=paths),
                                  capture_output=True, text=True)
            results[package] = None if done.returncode == 0 else _tail(done.stderr)
        return results


def _pytest_summary(output: str) -> str:
    """pytest's last line without its timing ('12 passed, 1 skipped in 3.2s' -> '12 passed,
    1 skipped'), so runs before and after an edit compare."""
    last = output.strip().splitlines()[-1] if output.strip() else ""
    return re.sub(r" in [0-9.]+s.*$", "", last.strip("= "))


def compare_with_import_linter(ours: dict, theirs: dict) -> list[Difference]:
    """Every difference in verdict and violating direct imports, each with its documented
    reason, or none."""
    by_name = {r["name"]: r for r in ours["contracts"]}
    seen = set(theirs["modules"])
    differences = []
    for contract in theirs["contracts"]:
        name = contract["name"]
        result = by_name.get(name)
        if result is None:
            differences.append(Difference(name, "no archlint contract of this name after "
                                          "migrate", ""))
        elif contract["verdict"] == "invalid":
            differences.append(Difference(name, f"import-linter rejects the contract: "
                                          f"{contract.get('error')}", ""))
        else:
            differences += contract_differences(contract, result, seen)
    return differences


def contract_differences(contract: dict, result: dict, seen: set[str]) -> list[Difference]:
    """How archlint's result for one contract differs from import-linter's: the direct
    imports and the modules in no layer that only one of them reports, then the verdict
    (explained when every difference before it is)."""
    name = contract["name"]
    mine, undeclared = direct_findings(result)
    differences = []
    for pair in sorted(mine ^ {tuple(p) for p in contract["direct"]}):
        side = "archlint only" if pair in mine else "import-linter only"
        reason = ""
        if any(m not in seen for m in pair):
            reason = GRIMP_MISSES
        elif side == "import-linter only" and ignored_by_descendants(contract, *pair):
            reason = IGNORE_DESCENDANTS
        differences.append(Difference(name, f"{side}: {pair[0]} -> {pair[1]}", reason))
    for module in sorted(undeclared ^ set(contract["undeclared"])):
        side = "archlint only" if module in undeclared else "import-linter only"
        reason = GRIMP_MISSES if module not in seen else ""
        differences.append(Difference(name, f"{side}: {module} in no layer", reason))
    verdict = result["status"]
    if verdict != contract["verdict"]:
        explained = bool(differences) and all(d.reason for d in differences)
        differences.append(Difference(
            name, f"verdict: archlint {verdict}, import-linter {contract['verdict']}",
            "follows from the documented differences above" if explained else ""))
    return differences


def direct_findings(result: dict) -> tuple[set[tuple[str, str]], set[str]]:
    """What import-linter reports too, of archlint's violations of a contract: the direct
    imports (every import of a cycle, for acyclic), and the modules in no layer."""
    mine = set()
    undeclared = set()
    for violation in result["violations"]:
        if result["type"] == "acyclic":
            mine.add((violation["importer"], violation["imported"]))
        elif len(violation["chain"]) == 1:
            mine.add((violation["chain"][0]["importer"], violation["chain"][0]["imported"]))
        elif not violation["chain"] and result["type"] == "layers":
            undeclared.add(violation["importer"])
    return mine, undeclared


def ignored_by_descendants(contract: dict, importer: str, imported: str) -> bool:
    """Whether one of the contract's ignore entries covers this import once its sides cover
    their descendants (archlint) though not as exact modules (import-linter)."""
    for entry in contract.get("ignore", []):
        left, _, right = (side.strip() for side in entry.partition("->"))
        if (_matches(left, importer, descendants=True)
                and _matches(right, imported, descendants=True)
                and not (_matches(left, importer, descendants=False)
                         and _matches(right, imported, descendants=False))):
            return True
    return False


def _matches(expression: str, module: str, *, descendants: bool) -> bool:
    """A module expression (`*` one segment, `**` any number) against a module name."""
    parts = []
    for segment in expression.split("."):
        parts.append(r"[^.]+" if segment == "*" else r"(?:[^.]+(?:\.[^.]+)*)?"
                     if segment == "**" else re.escape(segment))
    pattern = r"\.".join(parts).replace(r"\.(?:[^.]+(?:\.[^.]+)*)?", r"(?:\.[^.]+)*")
    return re.fullmatch(pattern + (r"(?:\..+)?" if descendants else ""), module) is not None


def read_settings(root: Path) -> dict:
    """The settings archlint would read here (archlint.toml, else pyproject.toml), through
    the virtualenv's TOML reader (the harness itself runs on Python 3.10 too)."""
    code = ("import json, sys\n"
            "try:\n    import tomllib\nexcept ImportError:\n    import tomli as tomllib\n"
            "from pathlib import Path\n"
            "p = Path('archlint.toml')\n"
            "d = tomllib.loads(p.read_text()) if p.exists() else "
            "tomllib.loads(Path('pyproject.toml').read_text())"
            ".get('tool', {}).get('archlint', {})\n"
            "print(json.dumps(d))\n")
    done = subprocess.run([PYTHON, "-c", code], cwd=root, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def module_files(root: Path, settings: dict) -> dict[str, list[str]]:
    """Folder -> the module files in it, under the root packages, by the rules of
    docs/configuration.md ('Which files are in the graph'); paths relative to `root`."""
    import fnmatch

    excluded = [_glob_pattern(g) for g in settings.get("exclude", [])]
    found: dict[str, list[str]] = {}
    for package in settings["root_packages"]:
        relative = package.replace(".", "/")
        start = root / relative if (root / relative).is_dir() else root / "src" / relative
        for folder, folders, names in os.walk(start):
            folders[:] = sorted(f for f in folders
                                if not f.startswith(".") and f.isidentifier()
                                and not os.path.islink(os.path.join(folder, f)))
            here = Path(folder).relative_to(root).as_posix()
            found[here] = sorted(
                n for n in names if n.endswith(".py") and n.count(".") == 1
                and not n.startswith(".")
                and not any(fnmatch.fnmatchcase(f"{here}/{n}", p) for p in excluded))
    return found


def count_modules(root: Path, settings: dict) -> tuple[int, int]:
    """Files and modules under the root packages: a folder without __init__.py that holds
    modules (in it or below it) is a module too."""
    found = module_files(root, settings)
    files = sum(len(names) for names in found.values())
    holding = {folder for folder, names in found.items() if names}
    namespaces = {folder for folder, names in found.items() if "__init__.py" not in names
                  and any(h == folder or h.startswith(folder + "/") for h in holding)}
    return files, files + len(namespaces)


def unparsable(root: Path, settings: dict) -> list[str]:
    """The module files the virtualenv's Python cannot parse (paths relative to `root`)."""
    paths = [f"{folder}/{name}" for folder, names in module_files(root, settings).items()
             for name in names]
    code = ("import ast, sys, warnings\nwarnings.simplefilter('ignore')\n"
            "for path in sys.stdin.read().splitlines():\n"
            "    try:\n        ast.parse(open(path, 'rb').read(), path)\n"
            "    except (SyntaxError, ValueError):\n        print(path)\n")
    done = subprocess.run([PYTHON, "-c", code], cwd=root, input="\n".join(paths),
                          capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def _glob_pattern(glob: str) -> str:
    """An `exclude` glob as an fnmatch pattern, near enough for counting ('**' any folders)."""
    return glob.replace("**/", "*").replace("/**", "/*")


def compiles(path: Path) -> str | None:
    """None when the file compiles with the virtualenv's Python, else the error."""
    done = subprocess.run([PYTHON, "-c", "import sys; compile(open(sys.argv[1], 'rb').read(), "
                           "sys.argv[1], 'exec')", str(path)], capture_output=True, text=True)
    return None if done.returncode == 0 else _tail(done.stderr)


def first_difference(a: str, b: str) -> str:
    lines = list(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0))
    return " | ".join(line[:200] for line in lines[2:8]) or "(line endings)"


def report_difference(cached: str, uncached: str) -> str:
    """What a cached JSON report has that the --no-cache one has not, and the reverse."""
    try:
        a, b = json.loads(cached), json.loads(uncached)
    except ValueError:
        return first_difference(cached, uncached)

    def keys(report: dict) -> set[str]:
        return ({f"{r['id']}: {violation_key(v)}" for r in report["contracts"]
                 for v in r["violations"]}
                | {diagnostic_key(d) for d in report["diagnostics"]}
                | {f"{r['id']}: {r['status']}" for r in report["contracts"]})

    only_cached, only_uncached = sorted(keys(a) - keys(b)), sorted(keys(b) - keys(a))
    parts = []
    if only_cached:
        parts.append(f"{len(only_cached)} only in the cached report ({'; '.join(only_cached[:4])})")
    if only_uncached:
        parts.append(f"{len(only_uncached)} only in the --no-cache report "
                     f"({'; '.join(only_uncached[:4])})")
    return ", ".join(parts) or first_difference(cached, uncached)


def _module_of(path: str, settings: dict) -> str:
    parts = Path(path).with_suffix("").parts
    if parts and parts[0] == "src" and not any(
            p.split(".")[0] == "src" for p in settings["root_packages"]):
        parts = parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _summary(outcome: Outcome) -> dict | None:
    try:
        return json.loads(outcome.stdout)["summary"]
    except (ValueError, KeyError):
        return None


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])[:1500]
