"""Patrol: where to post units so that the most forecast risk lies within their reach."""
