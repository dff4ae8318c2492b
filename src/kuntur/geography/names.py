"""Place-name normalisation: accent- and case-insensitive matching.

"San Juan de Lurigancho", "SAN JUAN DE LURIGANCHO" and "san juan de lurigancho"
all normalise to the same key; so do "Ancón" and "ANCON".
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[^a-z0-9]+")


def normalise_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()
