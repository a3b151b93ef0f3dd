"""The ecosystem check: every archlint command on pinned real projects, with the invariants.

`python3 ecosystem/run.py` downloads the projects of ecosystem/projects.py from PyPI (exact
versions, archives checked against their SHA-256), unpacks them into ecosystem/corpora/
(ignored by git) beside a virtualenv holding this checkout of archlint and import-linter, and
runs the steps of ecosystem/steps.py on each. It prints a pass/fail table and what changed
since the recorded results; a full run writes ecosystem/results.json and ecosystem/RESULTS.md.

    python3 ecosystem/run.py                    every project (the full run)
    python3 ecosystem/run.py --project click    only these projects (repeatable), nothing written
    python3 ecosystem/run.py --quick            the CI subset: small projects, invariants only

Exit code 0 when every step of every project passed, 1 otherwise, 2 when the harness could
not set itself up.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from ecosystem.projects import PROJECTS, Project  # noqa: E402
from ecosystem.steps import BIN, CORPORA, Failure, ProjectRun, Record  # noqa: E402

VENV = CORPORA / "venv"
# import-linter 2.17 needs Python 3.11+; on 3.10 the comparison with it is skipped.
IMPORT_LINTER = "import-linter==2.17; python_version >= '3.11'"
PYTEST = "pytest==9.2.0"  # runs the projects' own tests where they need nothing else
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"


# -- setting up ------------------------------------------------------------------------------


def install() -> None:
    """The virtualenv: this checkout of archlint (a non-editable install, like a user's) and
    import-linter, pinned."""
    stamp = VENV / ".ecosystem-installed"
    wanted = f"{VENV} {sys.executable} {platform.python_version()} {IMPORT_LINTER} {PYTEST}"
    # setuptools builds in the checkout: a file deleted from archlint/ would live on in build/.
    for build_output in (ROOT / "build", ROOT / "archlint.egg-info"):
        shutil.rmtree(build_output, ignore_errors=True)
    if not (stamp.exists() and stamp.read_text().strip() == wanted):
        if VENV.exists():
            shutil.rmtree(VENV)
        CORPORA.mkdir(parents=True, exist_ok=True)
        say("creating the virtualenv")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip("install", str(ROOT), IMPORT_LINTER, PYTEST)
        stamp.write_text(f"{wanted}\n")
    pip("install", "--no-deps", "--force-reinstall", str(ROOT))


def pip(*args: str) -> None:
    done = subprocess.run([str(BIN / "python"), "-m", "pip", *args, "--quiet",
                           "--disable-pip-version-check"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(f"pip {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


class SetupError(Exception):
    pass


def fetch(project: Project) -> Path:
    """Download the pinned archive (once), check its SHA-256, unpack it (once): the folder."""
    pristine = CORPORA / "pristine" / project.name
    stamp = CORPORA / "pristine" / f"{project.name}.sha256"
    if stamp.exists() and stamp.read_text().strip() == project.sha256 and pristine.is_dir():
        return pristine
    downloads = CORPORA / "downloads" / project.name
    archive = _archive(downloads)
    if archive is None:
        say(f"{project.name}: downloading {project.requirement} ({project.source})")
        kind = ["--no-binary", ":all:"] if project.source == "sdist" else ["--only-binary", ":all:"]
        pip("download", "--no-deps", *kind, *project.pip_options, "--dest", str(downloads),
            project.requirement)
        archive = _archive(downloads)
        if archive is None:
            raise SetupError(f"pip downloaded nothing for {project.requirement}")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != project.sha256:
        raise SetupError(f"{archive.name} has SHA-256 {digest}, not the pinned {project.sha256}")
    if pristine.exists():
        shutil.rmtree(pristine)
    unpack(archive, pristine)
    stamp.write_text(f"{digest}\n")
    return pristine


def _archive(folder: Path) -> Path | None:
    found = sorted(folder.glob("*.tar.gz")) + sorted(folder.glob("*.whl")) if folder.exists() \
        else []
    return found[0] if found else None


def unpack(archive: Path, target: Path) -> None:
    """A wheel as it is; an sdist without its top folder. No member may leave `target`."""
    target.mkdir(parents=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            for name in wheel.namelist():
                _inside(target, name)
            wheel.extractall(target)
        return
    with tarfile.open(archive) as sdist:
        members = []
        for member in sdist.getmembers():
            if not (member.isfile() or member.isdir()):
                continue  # links and devices have no place in an sdist we check
            _, _, member.name = member.name.partition("/")
            if member.name:
                _inside(target, member.name)
                members.append(member)
        sdist.extractall(target, members)


def _inside(target: Path, name: str) -> None:
    if not (target / name).resolve().is_relative_to(target.resolve()):
        raise SetupError(f"archive member {name} would be written outside {target}")


# -- reporting -------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    code = ("import importlib.metadata as m, sys, json\n"
            "def v(name):\n"
            "    try:\n        return m.version(name)\n"
            "    except m.PackageNotFoundError:\n        return 'not installed'\n"
            "print(json.dumps({'python': sys.version.split()[0], 'archlint': v('archlint'), "
            "'import-linter': v('import-linter'), 'grimp': v('grimp'), 'libcst': v('libcst')}))")
    found = json.loads(subprocess.run([str(BIN / "python"), "-c", code], capture_output=True,
                                      text=True, check=True).stdout)
    found["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                     capture_output=True, text=True).stdout.strip() or "unknown"
    dot = shutil.which("dot")
    found["graphviz"] = subprocess.run([dot, "-V"], capture_output=True, text=True).stderr.strip() \
        if dot else "not installed"
    return found


def table(projects: list[Project], records: dict[str, dict]) -> str:
    lines = [
        "| project | version | source | files | modules | contracts kept / broken | violations "
        "| diagnostics | cold s | warm s | touched s | lint-imports cold / warm / touched s "
        "| archlint, migrated: cold / warm / touched s | steps |",
        "|---|---|---|---:|---:|---|---:|---|---:|---:|---:|---|---|---|",
    ]
    for project in projects:
        record = records.get(project.name)
        version = project.requirement.split("==")[1]
        if record is None:
            continue
        contracts = record["contracts"]
        kept = sum(1 for c in contracts.values() if c["status"] == "kept")
        broken = sum(1 for c in contracts.values() if c["status"] == "broken")
        violations = sum(c["violations"] for c in contracts.values())
        diagnostics = ", ".join(f"{n} {k}" for k, n in record["diagnostics"].items()) or "none"
        times = record["times"]
        linted = record["lint_imports"]
        theirs = _times(linted.get("times"))
        ours = _times(linted.get("archlint_times"))
        failed = [s for s, status in record["steps"].items() if status == "FAIL"]
        steps = f"FAIL: {', '.join(failed)}" if failed else "pass"
        lines.append(
            f"| {project.name} | {version} | {project.source} | {record['files']:,} "
            f"| {record['modules']:,} | {kept} / {broken} | {violations:,} | {diagnostics} "
            f"| {times.get('cold', '')} | {times.get('warm', '')} | {times.get('touched', '')} "
            f"| {theirs} | {ours} | {steps} |")
    return "\n".join(lines)


def _times(times: dict | None) -> str:
    if not times:
        return ""
    return f"{times['cold']} / {times['warm']} / {times['touched']}"


def steps_table(projects: list[Project], records: dict[str, dict]) -> str:
    steps = ProjectRun.STEPS
    lines = ["| project | " + " | ".join(steps) + " |", "|---|" + "---|" * len(steps)]
    for project in projects:
        record = records.get(project.name)
        if record is None:
            continue
        cells = []
        for step in steps:
            status = record["steps"].get(step, "")
            cells.append("skipped" if status.startswith("skipped") else status)
        lines.append(f"| {project.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def changes(previous: dict, current: dict) -> list[str]:
    """What a run reports differently from the recorded one (times aside)."""
    lines = []
    for name, record in current.items():
        before = previous.get(name)
        if before is None:
            lines.append(f"{name}: new project")
            continue
        for step, status in record["steps"].items():
            if before["steps"].get(step) != status:
                lines.append(f"{name}: step {step}: {before['steps'].get(step)} -> {status}")
        for key in ("files", "modules"):
            if before.get(key) != record.get(key):
                lines.append(f"{name}: {key} {before.get(key)} -> {record.get(key)}")
        for cid in sorted(set(before["contracts"]) | set(record["contracts"])):
            lines += contract_changes(name, cid, before["contracts"].get(cid),
                                      record["contracts"].get(cid))
        lines += diagnostic_changes(name, before, record)
        lines += import_linter_changes(name, before, record)
    for name in sorted(set(previous) - set(current)):
        lines.append(f"{name}: not run this time")
    return lines


def contract_changes(name: str, cid: str, old: dict | None, new: dict | None) -> list[str]:
    """How one contract's result changed: added or removed, its status, and the violations
    that went and came (the first twenty of each)."""
    if old is None or new is None:
        return [f"{name}: contract {cid} {'added' if old is None else 'removed'}"]
    lines = []
    if old["status"] != new["status"]:
        lines.append(f"{name}: {cid} {old['status']} -> {new['status']}")
    gone = sorted(set(old["keys"]) - set(new["keys"]))
    came = sorted(set(new["keys"]) - set(old["keys"]))
    if old["digest"] != new["digest"] and not (gone or came):
        lines.append(f"{name}: {cid}: {old['violations']} -> {new['violations']} "
                     "violations (too many to list; the set changed)")
    elif gone or came:
        lines.append(f"{name}: {cid}: {old['violations']} -> {new['violations']} violations")
        lines += [f"    - {k}" for k in gone[:20]] + \
            ([f"    - ... {len(gone) - 20} more"] if len(gone) > 20 else [])
        lines += [f"    + {k}" for k in came[:20]] + \
            ([f"    + ... {len(came) - 20} more"] if len(came) > 20 else [])
    return lines


def diagnostic_changes(name: str, before: dict, record: dict) -> list[str]:
    """The diagnostics that went and came (the first twenty of each)."""
    gone = sorted(set(before["diagnostic_keys"]) - set(record["diagnostic_keys"]))
    came = sorted(set(record["diagnostic_keys"]) - set(before["diagnostic_keys"]))
    if not (gone or came):
        return []
    return [f"{name}: diagnostics {before['diagnostics']} -> {record['diagnostics']}",
            *(f"    - {k}" for k in gone[:20]), *(f"    + {k}" for k in came[:20])]


def import_linter_changes(name: str, before: dict, record: dict) -> list[str]:
    """The differences from import-linter's verdicts that went and came."""
    old_diff = {tuple(d) for d in before["lint_imports"].get("differences", [])}
    new_diff = {tuple(d) for d in record["lint_imports"].get("differences", [])}
    return ([f"{name}: no longer differs from import-linter: {contract}: {what}"
             for contract, what, _ in sorted(old_diff - new_diff)]
            + [f"{name}: now differs from import-linter: {contract}: {what}"
               for contract, what, _ in sorted(new_diff - old_diff)])


def write_results(projects: list[Project], records: dict[str, dict], found: dict[str, str],
                  command: str, minutes: float, changed: list[str]) -> None:
    today = datetime.date.today().isoformat()
    RESULTS_JSON.write_text(json.dumps({"date": today, "versions": found, "command": command,
                                        "projects": records}, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
    by_name = {p.name: p for p in projects}
    records = {p.name: records[p.name] for p in projects if p.name in records}  # their order
    out = [
        "# Ecosystem check results",
        "",
        "archlint on pinned public projects from PyPI, every command, the invariants asserted "
        "(see [README.md](README.md)). Written by the harness; do not edit by hand.",
        "",
        f"Run {today} on {machine()}, in {minutes:.0f} minutes.",
        "",
        f"Python {found['python']}; archlint {found['archlint']} (commit {found['commit']}); "
        f"grimp {found['grimp']}; libcst {found['libcst']}; import-linter "
        f"{found['import-linter']}; {found['graphviz']}.",
        "",
        f"Command: `{command}`",
        "",
        "## Summary",
        "",
        "Files and modules by the rules of docs/configuration.md (a folder without "
        "`__init__.py` is a module too). Times are one run each on a shared 2-core machine: "
        "cold (empty cache), warm (nothing changed), touched (a comment appended to one file). "
        "Where a project ships an import-linter configuration, `lint-imports` and archlint run "
        "its contracts (archlint after `archlint migrate`) in the last two time columns.",
        "",
        table(projects, records),
        "",
        "## Steps",
        "",
        steps_table(projects, records),
        "",
        "## Failures",
        "",
    ]
    failures = [f"- **{name}**, {step}: {message}" for name, record in records.items()
                for step, message in record["failures"]]
    out += failures or ["None."]
    out += ["", "## Beside import-linter", "",
            "The project's own import-linter configuration, checked by import-linter 2.17 and "
            "by archlint after `archlint migrate`: each contract's verdict (import-linter's "
            "shown) and the violating direct imports, compared as configured and again with "
            "every ignore entry left out.", ""]
    for name, record in records.items():
        linted = record["lint_imports"]
        if not linted:
            continue
        out.append(f"**{name}** (`{linted['config']}`)")
        out.append("")
        if linted.get("error"):
            out.append(f"- lint-imports could not run: {linted['error']}")
        else:
            out.append("- as configured: " + ", ".join(
                f"{n}: {v}" for n, v in linted.get("verdicts", {}).items())
                + f"; {direct_imports(linted.get('direct_imports', 0))}")
        if linted.get("verdicts_without_ignores"):
            out.append("- ignore entries left out: " + ", ".join(
                f"{n}: {v}" for n, v in linted["verdicts_without_ignores"].items())
                + f"; {direct_imports(linted.get('direct_imports_without_ignores', 0))}")
        if linted.get("not_carried_over"):
            out.append("- not carried over by `migrate`: " + "; ".join(linted["not_carried_over"]))
        differences = linted.get("differences", [])
        out += [f"- differs: {c}: {w}" + (f" ({r})" if r else " (**undocumented**)")
                for c, w, r in differences] or \
            ["- archlint gives the same verdicts and the same violating direct imports"]
        out.append("")
    out += ["## Files the running Python cannot parse", "",
            "Module files that the Python running archlint cannot parse and that no "
            "`syntax-error` diagnostic names (grimp's parser reads them): the contracts that "
            "read source text skip them (FINDINGS.md, 7).", ""]
    unparsed = [(name, record["unparsed"]) for name, record in records.items()
                if record.get("unparsed")]
    out += [f"- {name} ({len(paths)}): " + ", ".join(f"`{p}`" for p in paths)
            for name, paths in unparsed] or ["None."]
    tested = [(name, record["project_tests"]) for name, record in records.items()
              if record.get("project_tests")]
    if tested:
        out += ["", "## The projects' own tests", "",
                "Run with pytest before and after `fix --write`, with the same result:", ""]
        out += [f"- {name}: {summary}" for name, summary in tested]
    out += ["## Contracts", ""]
    for name, record in records.items():
        project = by_name[name]
        out.append(f"**{name}** {project.requirement.split('==')[1]} ({', '.join(project.covers)})")
        out.append("")
        out += [f"- `{cid}` ({c['type']}): {c['status']}, {c['violations']} violations"
                for cid, c in record["contracts"].items()]
        out.append("")
    out += ["## Changes since the previous recorded run", ""]
    out += [f"    {line}" if line.startswith("    ") else f"- {line}" for line in changed] or \
        ["None."]
    RESULTS_MD.write_text("\n".join(out) + "\n", encoding="utf-8")
    say(f"written {RESULTS_JSON.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")


def direct_imports(count: int) -> str:
    return f"{count} violating direct import{'' if count == 1 else 's'}"


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores"


def say(message: str) -> None:
    print(f"[ecosystem] {message}", file=sys.stderr, flush=True)


# -- the run ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.quick:
        chosen = [p for p in PROJECTS if p.quick]
    elif args.project:
        chosen = [p for p in PROJECTS if p.name in args.project]
    else:
        chosen = PROJECTS
    started = time.perf_counter()
    try:
        install()
    except SetupError as exc:
        say(f"setup failed: {exc}")
        return 2
    records = {project.name: run_project(project, args.quick) for project in chosen}
    minutes = (time.perf_counter() - started) / 60
    print_summary(chosen, records)
    previous = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))["projects"] \
        if RESULTS_JSON.exists() else {}
    changed = changes({n: r for n, r in previous.items() if n in records}, records)
    if not args.quick:
        print("\nchanges since the recorded results:" if changed else
              "\nno change since the recorded results")
        for line in changed:
            print(f"  {line}")
    if not args.quick and not args.project:
        command = "python3 ecosystem/run.py"
        write_results(chosen, records, versions(), command, minutes, changed)
    say(f"done in {minutes:.1f} minutes")
    return 1 if any(r["failures"] for r in records.values()) else 0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [p.name for p in PROJECTS]
    parser.add_argument("--project", action="append", choices=names, metavar="NAME",
                        help=f"only this project (repeatable): {', '.join(names)}")
    parser.add_argument("--quick", action="store_true",
                        help="the CI subset: the small projects, invariants only, nothing written")
    return parser.parse_args(argv)


def run_project(project: Project, quick: bool) -> dict:
    """Download one project and run every step on it; a failed download is that step's
    failure, the others are not run."""
    say(f"{project.name}: {project.requirement}")
    try:
        pristine = fetch(project)
    except (SetupError, OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        record = Record()
        record.steps = {"download": "FAIL"}
        record.failures.append(Failure("download", str(exc)))
        return record.as_json()
    project_started = time.perf_counter()
    record = ProjectRun(project, pristine, quick=quick).run_all()
    failed = [s for s, status in record.steps.items() if status == "FAIL"]
    say(f"{project.name}: {'FAIL ' + ', '.join(failed) if failed else 'pass'} "
        f"({time.perf_counter() - project_started:.0f} s)")
    return record.as_json()


def print_summary(chosen: list[Project], records: dict[str, dict]) -> None:
    """The steps table, import-linter's verdicts and where archlint's differ, the failures."""
    print()
    print(steps_table(chosen, records))
    print()
    for name, record in records.items():
        linted = record["lint_imports"]
        if linted.get("verdicts"):
            print(f"{name}: import-linter's verdicts: "
                  + ", ".join(f"{n}: {v}" for n, v in linted["verdicts"].items()))
        for contract, what, reason in linted.get("differences", []):
            print(f"{name}: differs from import-linter: {contract}: {what}"
                  + (f" ({reason})" if reason else " (undocumented)"))
    for name, record in records.items():
        for step, message in record["failures"]:
            print(f"FAIL {name} / {step}: {message}")


if __name__ == "__main__":
    sys.exit(main())
