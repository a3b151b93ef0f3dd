"""The pinned projects of the ecosystem check, and what the harness does to each.

Paths are relative to the project's root: the folder of the unpacked archive that gets the
committed settings (`ecosystem/projects/<name>/archlint.toml`) and contracts
(`ecosystem/projects/<name>/contracts/`). The scripted edits name real files of the pinned
version, chosen by reading its code: `delete` is a module other modules import, `move` a module
and the package it moves into, `same_size_edit` a text and a replacement of the same length
that changes the file's imports (written back with the file's old modification time).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Project:
    name: str
    requirement: str                 # name==version, for `pip download`
    source: str                      # "sdist" or "wheel"
    sha256: str                      # of the downloaded archive
    covers: tuple[str, ...]          # what it brings of the mix
    root: str = ""                   # folder of the archive that holds archlint.toml
    pip_options: tuple[str, ...] = ()  # for `pip download`: a platform wheel, a Python version
    python_path: tuple[str, ...] = ("",)  # folders holding the root packages (for import-linter)
    importlinter_config: str = ""    # the project's own import-linter configuration, if shipped
    touch: str = ""                  # a comment line is appended here for the "touched" time
    add: tuple[str, str] = ("", "")  # a new module and its text
    delete: str = ""                 # a module other modules import
    move: tuple[str, str] = ("", "")  # a module, and the package folder it moves into
    same_size_edit: tuple[str, str, str] = ("", "", "")  # file, text, replacement (same length)
    plant: tuple[str, str, str] = ("", "", "")  # new module, its text, the contract it breaks
    fix_contract: str = ""           # a canonical contract with fixable violations
    import_check: tuple[str, ...] = ()  # packages importable without dependencies: imported
                                        # before and after `fix --write`
    tests: tuple[str, ...] = ()      # pytest arguments for the project's own tests, where they
                                     # need nothing but pytest: run before and after the fix
    quick: bool = False              # in the CI subset (--quick)
    notes: tuple[str, ...] = field(default=())


PROJECTS: list[Project] = [
    Project(
        name="attrs", requirement="attrs==26.1.0", source="sdist",
        sha256="d03ceb89cb322a8fd706d4fb91940737b6642aa36998fe130a9bc96c985eff32",
        covers=("src/ layout", "tests beside the package", ".pyi stubs beside the modules"),
        python_path=("src",),
        touch="src/attr/_funcs.py",
        add=("src/attr/_added.py",
             "from attr._compat import PY_3_10_PLUS\nfrom . import _config\n"),
        delete="src/attr/_config.py",
        move=("src/attr/_cmp.py", "src/attrs"),
        same_size_edit=("src/attr/validators.py", "from .converters import default_if_none",
                        "#rom .converters import default_if_none"),
        plant=("src/attr/_planted.py", "import attrs\n", "namespace-above-implementation"),
        fix_contract="public-names-from-attr",
        import_check=("attr", "attrs"),
        quick=True,
    ),
    Project(
        name="click", requirement="click==8.5.1", source="sdist",
        sha256="9bbfada76703fd1d784b83eea012e3e8c6a001a876543ef104fa56aaaeb072b4",
        covers=("src/ layout", "tests beside the package, in a folder without __init__.py",
                "exclude_type_checking_imports"),
        python_path=("src",),
        touch="src/click/formatting.py",
        add=("src/click/_added.py", "from click._compat import WIN\nfrom . import _textwrap\n"),
        delete="src/click/_textwrap.py",
        move=("src/click/_winconsole.py", "tests/test_exceptions"),
        same_size_edit=("tests/test_parser.py", "from click.parser import _OptionParser",
                        "#rom click.parser import _OptionParser"),
        plant=("tests/test_planted.py", "from click._compat import WIN\n", "tests-use-public-api"),
        fix_contract="api-from-click",
        import_check=("click",),
        tests=("tests",),
        quick=True,
    ),
    Project(
        name="httpx", requirement="httpx==0.28.1", source="sdist",
        sha256="75e98c5f16b0f35b567856f597f06ff2270a374470a5c2392242528e3e3e42fc",
        covers=("flat layout", "tests beside the package",
                "optional dependencies behind try/except ImportError"),
        touch="httpx/_api.py",
        add=("httpx/_added.py", "from ._urls import URL\nfrom . import _status_codes\n"),
        delete="httpx/_status_codes.py",
        move=("httpx/__version__.py", "httpx/_transports"),
        same_size_edit=("httpx/_client.py",
                        "from ._transports.base import AsyncBaseTransport, BaseTransport",
                        "#rom ._transports.base import AsyncBaseTransport, BaseTransport"),
        plant=("tests/test_planted.py", "from httpx._models import Request\n",
               "tests-use-public-api"),
        fix_contract="transports-from-package",
    ),
    Project(
        name="import-linter", requirement="import-linter==2.17", source="sdist",
        sha256="74a4640c96b71965624d296508c3274655d3e4c2593c27b8330dd0570ebd6886",
        covers=("its own import-linter configuration (.importlinter: layers with containers "
                "and exhaustive, acyclic_siblings)", "src/ layout", "tests beside the package",
                "namespace packages in its test assets", "include_external_packages"),
        python_path=("src",),
        importlinter_config=".importlinter",
        touch="src/importlinter/domain/helpers.py",
        add=("src/importlinter/domain/_added.py",
             "from importlinter.domain import imports\nfrom . import fields\n"),
        delete="src/importlinter/application/sentinels.py",
        move=("src/importlinter/adapters/timing.py", "src/importlinter/application"),
        same_size_edit=("tests/helpers/contracts.py",
                        "from importlinter.domain.contract import Contract, ContractCheck",
                        "#rom importlinter.domain.contract import Contract, ContractCheck"),
        plant=("tests/unit/test_planted.py",
               "from importlinter.contracts._common import render_chain_data\n",
               "tests-use-public-api"),
        fix_contract="plugin-api-from-importlinter",
        import_check=("importlinter",),
        quick=True,
    ),
    Project(
        name="kedro", requirement="kedro==1.7.0", source="sdist",
        sha256="50b654c0f6ec79c465bc913c1680ea6ad35fff287160262dce7f9d4c1bdbd493",
        covers=("its own import-linter configuration ([tool.importlinter] in pyproject.toml: "
                "layers with containers, independence, forbidden, ignore_imports)",
                "flat layout", "tests beside the package, in a folder without __init__.py",
                "folders whose names are not identifiers (cookiecutter templates)",
                "a file that does not parse (a template), outside the modules"),
        importlinter_config="pyproject.toml",
        touch="kedro/utils.py",
        add=("kedro/io/_added.py",
             "from kedro.io.core import AbstractDataset\nfrom . import memory_dataset\n"),
        delete="kedro/io/cached_dataset.py",
        move=("kedro/inspection/helper.py", "kedro/validation"),
        same_size_edit=("kedro/framework/session/session.py",
                        "from kedro.io.data_catalog import SharedMemoryDataCatalog",
                        "#rom kedro.io.data_catalog import SharedMemoryDataCatalog"),
        plant=("kedro/server/_planted.py",
               "from kedro.pipeline.transcoding import _transcode_split\n",
               "private-names-stay-home"),
        fix_contract="io-api-from-package",
    ),
    Project(
        name="sqlfluff", requirement="sqlfluff==4.5.0", source="sdist",
        sha256="0b0d5b2cca03e7d138b8d899249fed5fa54083e407bbd161449c0b30f901b7b8",
        covers=("its own import-linter configuration ([tool.importlinter] in pyproject.toml: "
                "forbidden, independence, layers with ignore_imports)", "src/ layout",
                "tests beside the package, in a folder without __init__.py"),
        python_path=("src",),
        importlinter_config="pyproject.toml",
        touch="src/sqlfluff/core/types.py",
        add=("src/sqlfluff/core/_added.py", "import sqlfluff.core.types\nfrom . import timing\n"),
        delete="src/sqlfluff/core/timing.py",
        move=("src/sqlfluff/utils/identifers.py", "src/sqlfluff/utils/analysis"),
        same_size_edit=("src/sqlfluff/rules/layout/LT05.py",
                        "from sqlfluff.core.rules.base import BaseRule",
                        "#rom sqlfluff.core.rules.base import BaseRule"),
        plant=("src/sqlfluff/utils/_planted.py", "import sqlfluff.cli\n",
               "rules-without-front-ends"),
        fix_contract="rule-api-from-package",
    ),
    Project(
        name="napari", requirement="napari==0.9.2", source="sdist",
        sha256="54e1db922d430094cc9208a1a1b1cd82c2b31bc28db3cb7b284d3b6ee6d6c983",
        covers=("its own import-linter configuration ([tool.importlinter] in pyproject.toml: "
                "forbidden external packages, layers, include_external_packages)",
                "src/ layout", "tests inside the package, in _tests folders without "
                "__init__.py", "generated _version.py",
                "optional dependencies behind try/except ImportError",
                "a .pyi stub beside a lazily loaded package"),
        python_path=("src",),
        importlinter_config="pyproject.toml",
        touch="src/napari/utils/misc.py",
        add=("src/napari/utils/_added.py",
             "from napari.utils.events import Event\nfrom . import misc\n"),
        delete="src/napari/utils/_dtype.py",
        move=("src/napari/utils/_units.py", "src/napari/utils/colormaps"),
        same_size_edit=("src/napari/_qt/layer_controls/dynamic/widgets/"
                        "qt_projection_mode_control.py",
                        "from napari.layers.base.base import Image, Points, Vectors",
                        "from napari.layers import Image, Points, Vectors          "),
        plant=("src/napari/utils/_planted.py", "import napari._vispy\n", "model-without-gui"),
        fix_contract="layer-classes-from-package",
    ),
    Project(
        name="django", requirement="django==6.1.3", source="sdist",
        sha256="b5d2d9e35295065d13b1927b3f19a59bd119f737aa6299def14ccca1ae3c8c0d",
        covers=("Python 3.12-only syntax (PEP 695 generics in tests)",
                "a file that does not parse (tests_syntax_error.py, on purpose)",
                "tests beside the package, in a folder without __init__.py",
                "a namespace package (tests/apps/namespace_package_base/nsapp)",
                "~2,900 modules"),
        pip_options=("--python-version", "3.12"),
        touch="django/utils/text.py",
        add=("django/utils/_added.py",
             "from django.utils.functional import cached_property\nfrom . import text\n"),
        delete="django/utils/autoreload.py",
        move=("django/utils/termcolors.py", "django/utils/translation"),
        same_size_edit=("django/utils/choices.py",
                        "from django.db.models.enums import ChoicesType",
                        "#rom django.db.models.enums import ChoicesType"),
        plant=("django/utils/_planted.py", "from django.db import connection\n",
               "utils-is-the-foundation"),
        fix_contract="orm-names-from-models",
    ),
    Project(
        name="sqlalchemy", requirement="sqlalchemy==2.1.9", source="sdist",
        sha256="d700a8b2edfb26282a470333d6bc4a454c4acda4d201a3bea7b72fa76c217d28",
        covers=("a lib/ source folder (the settings go in lib/)",
                "optional compiled modules behind try/except ImportError (Cython *_cy.py)",
                "imports under TYPE_CHECKING throughout"),
        root="lib",
        touch="sqlalchemy/log.py",
        add=("sqlalchemy/util/_added.py",
             "from sqlalchemy.util import langhelpers\nfrom . import typing\n"),
        delete="sqlalchemy/util/topological.py",
        move=("sqlalchemy/util/queue.py", "sqlalchemy/pool"),
        same_size_edit=("sqlalchemy/dialects/mysql/aiomysql.py",
                        "from ...engine.interfaces import PoolProxiedConnection",
                        "from ...pool.base import PoolProxiedConnection        "),
        plant=("sqlalchemy/sql/_planted.py", "from sqlalchemy.orm import Session\n",
               "core-without-orm"),
        fix_contract="pool-from-package",
    ),
    Project(
        name="networkx", requirement="networkx==3.6.1", source="sdist",
        sha256="26b7c357accc0c8cde558ad486283728b65b6a95d85ee1cd66bafab4c8168509",
        covers=("tests inside the package (a tests package at every level)",
                "optional dependencies behind try/except ImportError and lazy imports",
                "`**` in contract expressions"),
        touch="networkx/relabel.py",
        add=("networkx/utils/_added.py",
             "from networkx.utils.misc import groups\nfrom . import decorators\n"),
        delete="networkx/utils/rcm.py",
        move=("networkx/algorithms/perfect_graph.py", "networkx/algorithms/coloring"),
        same_size_edit=("networkx/generators/line.py",
                        "from networkx.utils.decorators import not_implemented_for",
                        "from networkx.utils import not_implemented_for           "),
        plant=("networkx/classes/_planted.py", "from networkx.algorithms import flow\n",
               "classes-are-the-foundation"),
        fix_contract="utils-from-package",
    ),
    Project(
        name="black", requirement="black==26.10.1", source="sdist",
        sha256="5f9f83beae62437e060dafd53d7f1fc327e3d3494f74d72ee5c2b73eb90fc4e7",
        covers=("files that do not parse (tests/data: Python 2, invalid syntax, on purpose)",
                "Python 3.12-only syntax (PEP 695, PEP 701 test cases)",
                "src/ layout with three packages and a generated _black_version.py",
                "optional dependencies behind try/except ImportError",
                "tests beside the packages, with data folders without __init__.py"),
        python_path=("src",),
        touch="src/black/const.py",
        add=("src/black/_added.py", "from black.mode import Mode\nfrom . import strings\n"),
        delete="src/black/rusty.py",
        move=("src/black/numerics.py", "src/blib2to3/pgen2"),
        same_size_edit=("src/black/ranges.py", "from black.nodes import (",
                        "from black.lines import ("),
        plant=("src/blib2to3/_planted.py", "import black\n", "daemon-over-black-over-parser"),
        fix_contract="tree-classes-from-pytree",
    ),
    Project(
        name="pandas", requirement="pandas==2.3.3", source="wheel",
        sha256="b3d11d2fda7eb164ef27ffc14b4fcab16a80e1ce67e9f57e19ec0afaf715ba89",
        covers=("C extension modules (.so beside .pyi stubs) in pandas/_libs",
                "tests inside the package (pandas/tests)", "generated _version_meson.py",
                "optional dependencies behind try/except ImportError", "~1,400 modules"),
        pip_options=("--platform", "manylinux_2_28_x86_64", "--python-version", "3.12",
                     "--implementation", "cp", "--abi", "cp312"),
        touch="pandas/core/roperator.py",
        add=("pandas/core/_added.py",
             "from pandas.core.common import flatten\nfrom . import roperator\n"),
        delete="pandas/core/sample.py",
        move=("pandas/core/flags.py", "pandas/core/ops"),
        same_size_edit=("pandas/tests/frame/test_validate.py",
                        "from pandas.core.frame import DataFrame",
                        "from pandas import DataFrame           "),
        plant=("pandas/_libs/_planted.py", "import pandas.core.frame\n", "libs-at-the-bottom"),
        fix_contract="tests-use-top-level-names",
    ),
    Project(
        name="homeassistant", requirement="homeassistant==2024.3.3", source="wheel",
        sha256="6e1ec2c07441d63fdcfb8acd2c4bbb6f68bc97330855784d3623d10c38fe3577",
        covers=("more than 5,000 modules (~6,700 files)", "flat layout, one root package"),
        touch="homeassistant/util/color.py",
        add=("homeassistant/util/_added.py",
             "from homeassistant.util import dt\nfrom . import color\n"),
        delete="homeassistant/util/percentage.py",
        move=("homeassistant/util/ulid.py", "homeassistant/helpers"),
        same_size_edit=("homeassistant/components/hassio/discovery.py",
                        "from homeassistant.components.http import HomeAssistantView",
                        "from homeassistant.helpers.http import HomeAssistantView   "),
        plant=("homeassistant/util/_planted.py", "from homeassistant.helpers import entity\n",
               "util-is-standalone"),
        fix_contract="view-from-helpers",
    ),
]
