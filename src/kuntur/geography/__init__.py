"""Peru's geography: districts (INEI ubigeo), provinces, departments, H3 cells.

Real public data ships in ``data/`` (sources and licences in the project NOTICE).
"""

# The domain's command group, `kuntur geo ...` (its commands live in ``cli.py``, loaded
# only when used: `kuntur --help` imports no domain).
CLI_GROUP = ("geo", "Geografía: distritos (ubigeo INEI).")
