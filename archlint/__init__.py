"""archlint: an import-graph architecture linter for Python.

The public API: `check()` returns a `Report` of `ContractResult`s holding `Violation`s, plus
`Diagnostic`s about the project itself.
"""

__version__ = "0.1.0"

from .checking import check  # noqa: E402
from .model import ContractResult, Diagnostic, Hop, Report, Violation  # noqa: E402

__all__ = ["ContractResult", "Diagnostic", "Hop", "Report", "Violation", "__version__", "check"]
