"""Who acts: agencies, command units, users with roles and clearance, sessions and tokens."""

# The domain's command group, `kuntur users ...` (its commands live in ``cli.py``, loaded
# only when used: `kuntur --help` imports no domain).
CLI_GROUP = ("users", "Usuarios, roles y accesos.")
