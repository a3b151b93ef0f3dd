"""The registry of contract types: `type = "..."` in a contract file names one of these."""

from __future__ import annotations

from .acyclic import AcyclicContract
from .base import Contract, Origin
from .canonical import CanonicalContract
from .forbidden import ForbiddenContract
from .independence import IndependenceContract
from .internal import InternalContract
from .layers import LayersContract
from .unique import UniqueContract

CONTRACT_TYPES: dict[str, type[Contract]] = {
    cls.type_name: cls
    for cls in (ForbiddenContract, LayersContract, IndependenceContract, AcyclicContract,
                CanonicalContract, InternalContract, UniqueContract)
}

__all__ = ["CONTRACT_TYPES", "Contract", "Origin"]
