"""Incidents from every source: emergency calls, police reports, citizen tips, sensors, imports."""
