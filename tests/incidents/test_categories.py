"""Label -> category code mapping."""

from __future__ import annotations

import pytest

from kuntur.geography.names import normalise_name
from kuntur.incidents.categories import Category, map_label


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("EXTORSION", Category.EXTORTION),
        ("Cobro de cupos", Category.EXTORTION),
        ("ROBO AGRAVADO A MANO ARMADA", Category.AGGRAVATED_ROBBERY),
        ("personal robbery", Category.AGGRAVATED_ROBBERY),
        ("HURTO AGRAVADO", Category.THEFT),
        ("Theft from Vehicle", Category.THEFT),
        ("BURGLARY", Category.THEFT),
        ("HOMICIDIO CALIFICADO - SICARIATO", Category.HOMICIDE),
        ("Feminicidio", Category.HOMICIDE),
        ("SECUESTRO", Category.KIDNAPPING),
        ("TENENCIA ILEGAL DE ARMAS", Category.ARMS_TRAFFICKING),
        ("WEAPONS VIOLATION", Category.ARMS_TRAFFICKING),
        ("TRATA DE PERSONAS", Category.HUMAN_TRAFFICKING),
        ("Tráfico ilícito de drogas", Category.DRUG_TRAFFICKING),
        ("NARCOTICS", Category.DRUG_TRAFFICKING),
        ("BATTERY", Category.OTHER),
        ("aggravated_robbery", Category.AGGRAVATED_ROBBERY),
        ("", Category.OTHER),
        (None, Category.OTHER),
    ],
)
def test_builtin_mapping(label: str | None, code: Category) -> None:
    assert map_label(label) is code


def test_mapping_file_wins_over_rules() -> None:
    extra = {normalise_name("BATTERY"): "homicide"}
    assert map_label("Battery", extra) is Category.HOMICIDE
