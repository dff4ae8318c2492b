"""Imports every domain's models so that ``Base.metadata`` knows all tables."""

from kuntur.audit import models as audit_models
from kuntur.command import models as command_models
from kuntur.dispatch import models as dispatch_models
from kuntur.forecasting import models as forecasting_models
from kuntur.identity import models as identity_models
from kuntur.incidents import models as incidents_models
from kuntur.intelligence import models as intelligence_models

__all__ = [
    "audit_models",
    "command_models",
    "dispatch_models",
    "forecasting_models",
    "identity_models",
    "incidents_models",
    "intelligence_models",
]
