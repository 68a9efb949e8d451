"""Registers the ``fuzz`` Hypothesis profile (see ``profiles``) before any test module loads."""

from . import profiles

__all__ = ["profiles"]
