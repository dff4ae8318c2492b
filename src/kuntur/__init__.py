"""Kuntur: the joint command's information system.

One operational picture of incidents and units, crime analysis, dispatch and the
accountability that makes all of it verifiable. Domains live in sub-packages
(``geography``, ``incidents``, ``demo``, ...); shared pieces live in ``core``.
"""

__version__ = "0.1.0"
