"""Imports every domain's models so that ``Base.metadata`` knows all tables."""

from kuntur.incidents import models as incidents_models

__all__ = ["incidents_models"]
