"""Districts: the real INEI tables, name lookup, point -> district."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from kuntur.geography import boundaries, service
from kuntur.geography.names import normalise_name


def test_national_table_has_every_district() -> None:
    districts = service.districts()
    assert len(districts) == 1892
    assert all(len(ub) == 6 and ub.isdigit() for ub in districts)


def test_population_adds_up_to_the_published_2017_total() -> None:
    # INEI, Censos Nacionales 2017: total population of Peru (counted plus omitted)
    # 31,237,385 -- the figure the district table is built from.
    assert sum(d.population_2017 or 0 for d in service.districts().values()) == 31_237_385


def test_lima_and_callao_districts() -> None:
    lima = [d for d in service.lima_callao_districts() if d.ubigeo.startswith("1501")]
    callao = [d for d in service.lima_callao_districts() if d.ubigeo.startswith("0701")]
    assert len(lima) == 43 and len(callao) == 7
    # The polygons' census figures agree with the national table, district by district.
    feats = boundaries.read_geojson(boundaries.LIMA_CALLAO)["features"]
    table = service.districts()
    for f in feats:
        assert (
            f["properties"]["population_2017"] == table[f["properties"]["ubigeo"]].population_2017
        )


@pytest.mark.parametrize(
    "name",
    [
        "San Juan de Lurigancho",
        "san juan de lurigancho",
        "SAN JUAN DE LURIGANCHO",
        "  San  Juan de Lurigancho ",
    ],
)
def test_find_district_ignores_case_and_spacing(name: str) -> None:
    found = service.find_districts(name)
    assert [d.ubigeo for d in found] == ["150132"]


def test_find_district_ignores_accents() -> None:
    assert normalise_name("Ancón") == normalise_name("ANCON") == "ancon"
    assert service.find_districts("Ancón")[0].ubigeo == "150102"
    assert service.find_districts("Breña")[0].ubigeo == "150105"
    assert service.find_districts("brena")[0].ubigeo == "150105"


def test_repeated_names_list_lima_first_and_narrow_by_department() -> None:
    found = service.find_districts("Santa Rosa")
    assert len(found) > 1 and found[0].ubigeo == "150139"  # Santa Rosa, Lima
    assert found[0].lima_callao
    assert all(
        d.department.upper() == "PUNO"
        for d in service.find_districts("Santa Rosa", department="Puno")
    )


def test_unknown_name_finds_nothing() -> None:
    assert service.find_districts("Gotham") == []


@pytest.mark.parametrize(
    ("lat", "lon", "ubigeo"),
    [
        (-12.0464, -77.0300, "150101"),  # Plaza Mayor, Cercado de Lima
        (-12.1211, -77.0297, "150122"),  # Parque Kennedy, Miraflores
        (-12.0566, -77.1181, "070101"),  # Plaza Grau, Callao
        (-11.9760, -77.0050, "150132"),  # San Juan de Lurigancho
        (-8.1116, -79.0287, "130101"),  # Plaza de Armas, Trujillo
        (-6.7714, -79.8409, "140101"),  # Plaza de Armas, Chiclayo
        (-13.5170, -71.9785, "080101"),  # Plaza de Armas, Cusco
    ],
)
def test_locate_known_places(lat: float, lon: float, ubigeo: str) -> None:
    assert service.locate_one(lon, lat) == ubigeo


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (41.8781, -87.6298),  # Chicago
        (-12.10, -77.30),  # Pacific Ocean off Callao
        (0.0, 0.0),
        (float("nan"), -77.0),
    ],
)
def test_points_outside_peru_have_no_district(lat: float, lon: float) -> None:
    assert service.locate_one(lon, lat) is None


def test_vectorised_lookup_matches_a_plain_polygon_test() -> None:
    feats = boundaries.read_geojson(boundaries.LIMA_CALLAO)["features"]
    polys = [shape(f["geometry"]) for f in feats]
    codes = [f["properties"]["ubigeo"] for f in feats]
    rng = np.random.default_rng(3)
    lon = rng.uniform(-77.25, -76.6, 4000)
    lat = rng.uniform(-12.55, -11.55, 4000)
    fast = service.locate(lon, lat)
    tree = shapely.STRtree(polys)
    pts, hits = tree.query(shapely.points(lon, lat), predicate="intersects")
    expected = np.full(len(lon), None, dtype=object)
    expected[pts] = [codes[h] for h in hits]
    inside = expected != None  # noqa: E711
    assert inside.sum() > 1000
    assert (fast[inside] == expected[inside]).all()


def test_boundary_files_load() -> None:
    assert len(service.admin_geojson("departments")["features"]) == 25
    assert len(service.admin_geojson("provinces")["features"]) >= 196
    lima = service.lima_callao_geojson(simplify_m=15.0)
    assert len(lima["features"]) == 50


def test_district_names_are_spelled_as_spanish_writes_them() -> None:
    """Names with their accents and capitals, the particles in lower case (checked against
    the official spellings, e.g. the Municipalidad de Lima's list of districts)."""
    from kuntur.geography import service as geo

    expected = {
        "150132": "San Juan de Lurigancho",
        "150143": "Villa María del Triunfo",
        "150128": "Rímac",
        "150113": "Jesús María",
        "150102": "Ancón",
        "150119": "Lurín",
        "150120": "Magdalena del Mar",
        "150142": "Villa El Salvador",
        "070103": "Carmen de la Legua Reynoso",
        "150135": "San Martín de Porres",
        "150105": "Breña",
    }
    assert {u: geo.get_district(u).name for u in expected} == expected  # type: ignore[union-attr]
    assert geo.find_districts("villa maria del triunfo")[0].ubigeo == "150143"


def test_spanish_name_takes_accents_from_properly_spelled_names() -> None:
    from kuntur.geography.names import accented_forms, spanish_name

    forms = accented_forms(["Santa María", "María", "Santa Maria", "Ancón"])
    assert spanish_name("SANTA MARIA DE LOS ANGELES", forms) == "Santa María de los Angeles"
    assert spanish_name("LA MOLINA", forms) == "La Molina"
    assert spanish_name("ANCON", forms) == "Ancón"
