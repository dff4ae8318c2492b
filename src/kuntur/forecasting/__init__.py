"""Crime analysis: hotspot forecasts and their evaluation.

Pure analytics (``grid``, ``estimators``, ``etas``, ``auto``, ``evaluation``,
``fairness``) take arrays and return arrays; ``models``, ``service``, ``views``
and ``cli`` store forecasts and serve them.
"""

# The domain's command group, `kuntur forecast ...` (its commands live in ``cli.py``, loaded
# only when used: `kuntur --help` imports no domain).
CLI_GROUP = ("forecast", "Pronósticos de zonas de riesgo: evaluar, generar, listar.")
