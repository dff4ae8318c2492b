"""Dispatch: incidents through their lifecycle, the fastest lawful unit, live updates, KPIs.

Pure modules (``lifecycle``, ``routing``, ``recommend``, ``cot``, ``kpi``) take plain
values and return plain values; ``models``, ``service``, ``views``, ``live`` and ``cli``
store, serve and stream them.
"""
