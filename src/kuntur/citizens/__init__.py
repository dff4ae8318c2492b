"""Anonymous citizen tips (issue 16, part A): the public tip page, the receipt, and the
citizen liaison desk that triages tips into incidents (docs/citizens.md)."""
