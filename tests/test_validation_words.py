"""A request's refused shape is said in words, Spanish then English (core.validation),
keeping pydantic's list of ``{loc, msg, type}`` that API clients read."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel, Field, ValidationError

from kuntur.core.validation import WORDS, in_words


class Form(BaseModel):
    title: str = Field(min_length=3, max_length=10)
    level: int = Field(ge=0, le=3)
    day: date
    tags: list[str] = Field(default_factory=list, max_length=2)


def _errors(data: dict) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(data)
    return in_words(caught.value.errors())  # type: ignore[arg-type]


def test_pydantics_reasons_in_both_languages() -> None:
    got = {e["loc"][0]: e for e in _errors({"title": "ab", "level": 7, "day": "2026-13-01"})}
    assert got["title"]["msg"] == (
        "debe tener al menos 3 caracteres / must have at least 3 characters"
    )
    assert got["level"]["msg"] == "debe ser como mucho 3 / must be at most 3"
    assert got["day"]["msg"] == "no es una fecha AAAA-MM-DD / is not a YYYY-MM-DD date"
    assert got["title"]["type"] == "string_too_short"  # the shape clients read, kept
    missing = _errors({"tags": ["a", "b", "c"]})
    assert {e["msg"] for e in missing} >= {"falta este dato / this is missing"}
    assert any("como mucho 2 elementos" in e["msg"] for e in missing)


def test_a_reason_already_in_words_is_kept() -> None:
    """Kuntur's own validators raise under pydantic's types too: their words stand."""
    ours = {"type": "too_long", "loc": ("body", "username"), "msg": "admite a lo sumo 64"}
    assert in_words([ours])[0]["msg"] == "admite a lo sumo 64"
    custom = {"type": "value_error", "loc": ("x",), "msg": "Value error, el fin es antes"}
    assert in_words([custom])[0]["msg"] == "el fin es antes"
    assert set(WORDS) >= {"missing", "string_too_short", "int_parsing", "date_parsing"}


def test_the_api_answers_a_bad_form_in_words(client) -> None:
    r = client.post(
        "/api/results/interventions",
        json={"kind": "operation", "title": "ab", "districts": ["150132"], "starts_on": "x"},
    )
    assert r.status_code == 422, r.text
    said = {tuple(e["loc"]): e["msg"] for e in r.json()["detail"]}
    assert said[("body", "title")].startswith("debe tener al menos 3 caracteres")
    assert said[("body", "starts_on")].startswith("no es una fecha AAAA-MM-DD")
