"""Peru's geography: districts (INEI ubigeo), provinces, departments, H3 cells.

Real public data ships in ``data/`` (sources and licences in the project NOTICE).
"""
