"""Crime analysis: hotspot forecasts and their evaluation.

Pure analytics (``grid``, ``estimators``, ``etas``, ``auto``, ``evaluation``,
``fairness``) take arrays and return arrays; ``models``, ``service``, ``views``
and ``cli`` store forecasts and serve them.
"""
