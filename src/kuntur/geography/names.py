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


# Words that stay in lower case inside a Spanish place name ("San Juan de Lurigancho",
# "Magdalena del Mar", "Carmen de la Legua Reynoso"); an article keeps its capital unless
# it follows "de" ("Villa El Salvador", "La Molina").
_PARTICLES = frozenset({"de", "del", "y", "e"})
_ARTICLES = frozenset({"la", "las", "los", "el"})


def accented_forms(names: list[str]) -> dict[str, str]:
    """``{unaccented lower-case word: its accented spelling}`` from properly spelled names
    (INEI's district capitals: "Asunción", "Santa María"). A word takes its accented form
    when that form is the only accented one and at least as common as the word written
    without accents (the source drops an accent now and then: "Santa Maria")."""
    counts: dict[str, dict[str, int]] = {}
    for name in names:
        for word in re.findall(r"[^\W\d_]+", name):
            forms = counts.setdefault(normalise_name(word), {})
            forms[word.casefold()] = forms.get(word.casefold(), 0) + 1
    out = {}
    for key, forms in counts.items():
        accented = {f: n for f, n in forms.items() if f != key}
        if len(accented) == 1:
            (form, n), plain = next(iter(accented.items())), forms.get(key, 0)
            if n >= plain:
                out[key] = form
    return out


def spanish_name(text: str, forms: dict[str, str]) -> str:
    """A name written in capitals without accents ("VILLA MARIA DEL TRIUNFO"), as Spanish
    writes it ("Villa María del Triunfo"): accents from ``forms`` (``accented_forms``),
    capitals on every word but the particles."""
    words = text.split()
    out = []
    for i, word in enumerate(words):
        lower = word.casefold()
        spelled = forms.get(normalise_name(word), lower) if word.isalpha() else lower
        after_de = i > 0 and words[i - 1].casefold() in ("de", "del")
        if i > 0 and (lower in _PARTICLES or (lower in _ARTICLES and after_de)):
            out.append(spelled)
        else:
            out.append(spelled[:1].upper() + spelled[1:])
    return " ".join(out)
