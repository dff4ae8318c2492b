"""The Lima demo scenario: a realistic, deterministic, clearly synthetic year of incidents."""

# The domain's command group, `kuntur demo ...` (its commands live in ``cli.py``, loaded
# only when used: `kuntur --help` imports no domain).
CLI_GROUP = ("demo", "Escenario de demostración (datos sintéticos).")
