"""The documentation stays true: its TOML examples load, and every contract page has the same
shape (what it enforces · why it matters · example · example output · options).

A fenced block opened with ```toml is an example that must be valid. One opened with
```toml invalid shows a mistake on purpose (configuration.md); it must stay invalid.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archlint.contracts import CONTRACT_TYPES, Contract
from archlint.errors import ConfigError
from archlint.loading import load_contracts
from archlint.settings import Settings, load_settings
from archlint.tables import config_fields

DOCS = Path(__file__).resolve().parent.parent / "docs"
CONTRACT_PAGES = DOCS / "contracts"
SECTIONS = ["What it enforces", "Why it matters", "Example", "Example output", "Options"]

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.M | re.S)


def fenced_blocks(text: str) -> list[tuple[str, str, int]]:
    """(info string, body, line of the opening fence) of every fenced code block."""
    return [
        (m.group("info").strip(), m.group("body"), text.count("\n", 0, m.start()) + 1)
        for m in _FENCE.finditer(text)
    ]


def toml_examples(marker: str, *, invalid: bool = False) -> list:
    """pytest params for the ```toml blocks of docs/**/*.md that contain `marker`."""
    wanted = "toml invalid" if invalid else "toml"
    params = []
    for page in sorted(DOCS.rglob("*.md")):
        for info, body, line in fenced_blocks(page.read_text(encoding="utf-8")):
            if info == wanted and marker in body:
                name = f"{page.relative_to(DOCS).as_posix()}:{line}"
                params.append(pytest.param(body, id=name))
    return params


def headings(text: str) -> list[str]:
    """Markdown headings outside fenced code blocks."""
    outside = _FENCE.sub("", text)
    return [line for line in outside.splitlines() if re.match(r"#{1,6} ", line)]


def section(text: str, title: str) -> str:
    """The text of one `## title` section, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no section '## {title}'"
    return match.group(1)


def load_example(project, body: str) -> list:
    project.settings(["shop"]).contracts(body, name="example.toml")
    settings = load_settings(project.root / "pyproject.toml")
    return load_contracts(settings)


# -- TOML examples ------------------------------------------------------------------------

CONTRACT_EXAMPLES = toml_examples("[[contracts]]")
SETTINGS_EXAMPLES = toml_examples("[tool.archlint]")


def test_the_docs_have_contract_examples():
    assert len(CONTRACT_EXAMPLES) >= len(CONTRACT_TYPES)


@pytest.mark.parametrize("body", CONTRACT_EXAMPLES)
def test_contract_example_loads(project, body):
    try:
        contracts = load_example(project, body)
    except ConfigError as error:
        pytest.fail("configuration error in a documented example:\n" + str(error))
    assert contracts
    assert len(contracts) == body.count("[[contracts]]")


@pytest.mark.parametrize("body", toml_examples("[[contracts]]", invalid=True))
def test_invalid_contract_example_is_rejected(project, body):
    with pytest.raises(ConfigError):
        load_example(project, body)


@pytest.mark.parametrize("body", SETTINGS_EXAMPLES)
def test_settings_example_loads(tmp_path, body):
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    try:
        load_settings(tmp_path / "pyproject.toml")
    except ConfigError as error:
        pytest.fail("configuration error in a documented example:\n" + str(error))


@pytest.mark.parametrize("body", toml_examples("[tool.archlint]", invalid=True))
def test_invalid_settings_example_is_rejected(tmp_path, body):
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(tmp_path / "pyproject.toml")


# -- contract pages -------------------------------------------------------------------------

PAGES = sorted(CONTRACT_PAGES.glob("*.md"))


def test_every_contract_type_has_a_page_and_every_page_a_type():
    assert sorted(p.stem for p in PAGES) == sorted(CONTRACT_TYPES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_contract_page_has_the_sections_in_order(page):
    text = page.read_text(encoding="utf-8")
    assert headings(text) == [f"# {page.stem}"] + [f"## {s}" for s in SECTIONS]
    summary = text.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    assert summary and "\n" not in summary, "a one-line summary follows the title"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_contract_page_example_is_of_its_type_and_has_output(page):
    text = page.read_text(encoding="utf-8")
    example = [b for info, b, _ in fenced_blocks(section(text, "Example")) if info == "toml"]
    assert len(example) == 1 and "[[contracts]]" in example[0]
    types = re.findall(r'^type = "([a-z]+)"', example[0], re.M)
    assert types and set(types) == {page.stem}
    output = [b for info, b, _ in fenced_blocks(section(text, "Example output")) if info == "text"]
    assert len(output) == 1
    assert re.search(r"^\d+ contracts?: \d+ kept, \d+ broken", output[0], re.M)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_contract_page_options_table_lists_exactly_the_keys(page):
    text = page.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_]+)` \|", section(text, "Options"), re.M)
    assert rows == list(dict.fromkeys(rows)), "a key is listed twice"
    # `type` chooses the class that reads the other keys
    assert set(rows) == {"type", *config_fields(CONTRACT_TYPES[page.stem])}


# -- configuration page ---------------------------------------------------------------------

def test_configuration_page_lists_every_setting_and_every_common_key():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    settings = re.findall(r"^\| `([a-z_]+)` \|", section(text, "Settings"), re.M)
    assert settings == list(config_fields(Settings))
    common = re.findall(r"^\| `([a-z_]+)` \|", section(text, "Contract files"), re.M)
    assert set(common) == {"type", *config_fields(Contract)}
