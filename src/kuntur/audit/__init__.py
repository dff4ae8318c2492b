"""The tamper-evident audit log: an RFC 6962 / RFC 9162 Merkle tree of audit events,
signed checkpoints, outside witnesses, and verification anyone can run."""
