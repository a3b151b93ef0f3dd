"""archlint: an import-graph architecture linter for Python.

The public API: `check()` returns a `Report` of `ContractResult`s holding `Violation`s, plus
`Diagnostic`s about the project itself.
"""

from .checking import check
from .model import ContractResult, Diagnostic, Hop, Report, Violation
from .version import __version__

__all__ = ["ContractResult", "Diagnostic", "Hop", "Report", "Violation", "__version__", "check"]
