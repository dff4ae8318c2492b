"""Public statistics with a published privacy budget, and public alerts (issue 16, part B)."""
