"""Cross-cutting basics every layer may use: settings, logging, identifiers.

Nothing in here imports another chatapp package.
"""
