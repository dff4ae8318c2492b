"""Dispatch: incidents through their lifecycle, the fastest lawful unit, live updates, KPIs.

Pure modules (``lifecycle``, ``routing``, ``recommend``, ``cot``, ``kpi``) take plain
values and return plain values; ``models``, ``service``, ``views``, ``live`` and ``cli``
store, serve and stream them.
"""

# The domain's command group, `kuntur dispatch ...` (its commands live in ``cli.py``, loaded
# only when used: `kuntur --help` imports no domain).
CLI_GROUP = ("dispatch", "Despacho: recomendación de unidades, cola, red vial.")
