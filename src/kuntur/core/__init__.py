"""Shared pieces every domain uses: database, time, request context, errors."""
