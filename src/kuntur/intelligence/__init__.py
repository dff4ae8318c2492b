"""Intelligence on extortion networks: identifiers from reports, entities, links, networks.

``identifiers`` and ``extraction`` are pure (text in, typed spans out).
"""

# The domain's command group, `kuntur intel ...` (its commands live in ``cli.py``, loaded
# only when used: `kuntur --help` imports no domain).
CLI_GROUP = ("intel", "Inteligencia: vincular reportes en redes.")
