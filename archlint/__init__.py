"""archlint: an import-graph architecture linter for Python.

The public API: `check()` returns the verdict `archlint check` gives, a `Report` of
`ContractResult`s holding `Violation`s (each of one kind: `ImportViolation`, `CycleImport`,
`DuplicateDefinition`, `UnlistedModule`), plus `Diagnostic`s about the project itself.
"""

from .checking import check
from .model import (
    ContractResult,
    CycleImport,
    Diagnostic,
    DuplicateDefinition,
    Hop,
    ImportViolation,
    Replacement,
    Report,
    UnlistedModule,
    Violation,
)
from .version import __version__

__all__ = ["ContractResult", "CycleImport", "Diagnostic", "DuplicateDefinition", "Hop",
           "ImportViolation", "Replacement", "Report", "UnlistedModule", "Violation",
           "__version__", "check"]
