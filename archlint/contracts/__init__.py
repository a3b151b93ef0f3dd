"""The registry of contract types: `type = "..."` in a contract file names one of these."""

from __future__ import annotations

from .acyclic import AcyclicContract
from .base import Contract, Origin
from .forbidden import ForbiddenContract
from .independence import IndependenceContract
from .layers import LayersContract

CONTRACT_TYPES: dict[str, type[Contract]] = {
    cls.type_name: cls
    for cls in (ForbiddenContract, LayersContract, IndependenceContract, AcyclicContract)
}

__all__ = ["CONTRACT_TYPES", "Contract", "Origin"]
