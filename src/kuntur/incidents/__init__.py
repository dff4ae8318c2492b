"""Incidents from every source: emergency calls, police reports, citizen tips, sensors, imports."""

# The domain's command group, `kuntur incidents ...` (its commands live in ``cli.py``, loaded
# only when used: `kuntur --help` imports no domain).
CLI_GROUP = ("incidents", "Incidentes: importar, listar, estadísticas.")
