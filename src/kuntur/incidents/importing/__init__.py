"""Bulk import of real incident files (CSV, GeoJSON, GeoPackage).

``readers`` turns a file into a table of text, ``timeparse`` and ``normalise``
validate it row by row (pure: no database), ``store`` writes one batch in one
transaction, and ``service`` ties them together for the CLI and the API.
"""
