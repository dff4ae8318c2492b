"""Operations: backups that restore, health and metrics (issue 21)."""
