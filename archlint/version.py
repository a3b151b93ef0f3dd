"""archlint's version, in a module of its own: the package `__init__` imports the whole
check pipeline, and the layers below it need the version without depending on that."""

__version__ = "0.1.0"
