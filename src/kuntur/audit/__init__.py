"""The tamper-evident audit log: an RFC 6962 / RFC 9162 Merkle tree of audit events,
signed checkpoints, outside witnesses, and verification anyone can run."""

# The domain's command group, `kuntur audit ...` (its commands live in ``cli.py``, loaded
# only when used: `kuntur --help` imports no domain).
CLI_GROUP = ("audit", "Registro de auditoría a prueba de manipulación.")
