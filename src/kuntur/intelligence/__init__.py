"""Intelligence on extortion networks: identifiers from reports, entities, links, networks.

``identifiers`` and ``extraction`` are pure (text in, typed spans out).
"""
