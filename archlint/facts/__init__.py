"""The fact layer: the only code that reads source files.

What is cached per file is what the file says (facts.model), keyed by its content; what an
import means is decided on every run against the current modules (graph.py).
"""

from .model import (
    GUARDED,
    IN_FUNCTION,
    TYPE_CHECKING_ONLY,
    DefinedName,
    DefinitionQuery,
    FileFacts,
    ImportStatement,
    TopLevel,
    Unreadable,
)
from .project import ProjectFacts, decode_source, read_project
from .store import FactStore

__all__ = [
    "GUARDED", "IN_FUNCTION", "TYPE_CHECKING_ONLY", "DefinedName", "DefinitionQuery", "FactStore",
    "FileFacts",
    "ImportStatement", "ProjectFacts", "TopLevel", "Unreadable", "decode_source",
    "read_project",
]
