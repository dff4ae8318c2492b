"""Public statistics and alerts (issue 16, part B)."""
