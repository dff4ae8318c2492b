"""Every operation documents its success answer: a JSON answer with a real schema (an object
with its properties, a list of such, a keyed map of such), any other answer with its media type.

A route without ``response_model`` documents ``{}`` (anything), and a route returning
``dict[str, Any]`` documents a bare ``object``: both tell a client nothing, and a fuzz that
checks answers against the schema checks nothing there either.
"""

from __future__ import annotations

from typing import Any

from kuntur.app import create_app
from kuntur.config import Settings

JSON = "application/json"


# Operations whose answer is a map keyed by data rather than a record with fixed keys.
KEYED_MAPS: set[str] = set()
# Members that are free-form by design, and why.
FREE_FORM = {
    "EventOut.details": "each event type has details of its own",
    "ForecastOut.params": "each method has parameters of its own",
}


def untyped(doc: dict[str, Any], schema: dict[str, Any], where: str, keyed: bool) -> list[str]:
    """Where in ``schema`` nothing is said about the value's shape (paths into it).

    ``keyed``: a map keyed by data is a shape here (a model's member, a listed operation).
    """
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema, where = doc["components"]["schemas"][name], name
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [p for s in schema[key] for p in untyped(doc, s, where, keyed)]
    if "const" in schema or "enum" in schema:
        return []
    kind = schema.get("type")
    if kind is None:
        return [where]
    if kind == "array":
        return untyped(doc, schema.get("items", {}), f"{where}[]", keyed)
    if kind != "object":
        return []
    props = schema.get("properties")
    extra = schema.get("additionalProperties")
    if props:
        return [
            p
            for field, sub in props.items()
            if f"{where}.{field}" not in FREE_FORM
            for p in untyped(doc, sub, f"{where}.{field}", True)
        ]
    if keyed and isinstance(extra, dict) and extra:
        return untyped(doc, extra, f"{where}{{}}", True)
    return [where]


def problems(doc: dict[str, Any]) -> list[str]:
    found = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            name = f"{method.upper()} {path}"
            ok = {c: r for c, r in op.get("responses", {}).items() if c.startswith("2")}
            if not ok:
                found.append(f"{name}: no success answer documented")
            for code, answer in ok.items():
                content = answer.get("content")
                if code == "204":
                    if content:
                        found.append(f"{name} {code}: a 204 documents a body")
                    continue
                if not content:
                    found.append(f"{name} {code}: no media type")
                    continue
                if JSON in content:
                    schema = content[JSON].get("schema", {})
                    bad = untyped(doc, schema, "(answer)", name in KEYED_MAPS)
                    found += [f"{name} {code}: untyped at {w}" for w in dict.fromkeys(bad)]
    return found


def test_every_operation_documents_a_typed_answer() -> None:
    doc = create_app(Settings(environment="test")).openapi()
    found = problems(doc)
    assert not found, f"{len(found)} untyped answers:\n" + "\n".join(found)


def _op(schema: dict[str, Any] | None, media: str = JSON, code: str = "200") -> dict[str, Any]:
    answer: dict[str, Any] = {"description": "ok"}
    if schema is not None:
        answer["content"] = {media: {"schema": schema} if media == JSON else {}}
    return {"get": {"responses": {code: answer}}}


def test_the_checker_bites() -> None:
    typed = {"type": "object", "properties": {"a": {"type": "integer"}}}
    loose = {"type": "object", "properties": {"a": {}, "b": {"$ref": "#/components/schemas/M"}}}
    counts = {"type": "object", "additionalProperties": {"type": "integer"}}
    doc: dict[str, Any] = {
        "components": {"schemas": {"M": typed, "L": loose}},
        "paths": {
            "/empty": _op({}),
            "/bare": _op({"type": "object"}),
            "/free-items": _op({"type": "array", "items": {"type": "object"}}),
            "/loose-member": _op({"$ref": "#/components/schemas/L"}),
            "/map-at-root": _op(counts),
            "/no-media-type": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/typed": _op({"$ref": "#/components/schemas/M"}),
            "/typed-list": _op({"type": "array", "items": {"$ref": "#/components/schemas/M"}}),
            "/map-member": _op({"type": "object", "properties": {"by": counts}}),
            "/either": _op({"anyOf": [{"$ref": "#/components/schemas/M"}, {"type": "null"}]}),
            "/csv": _op({}, "text/csv"),
            "/gone": _op(None, code="204"),
        },
    }
    assert problems(doc) == [
        "GET /empty 200: untyped at (answer)",
        "GET /bare 200: untyped at (answer)",
        "GET /free-items 200: untyped at (answer)[]",
        "GET /loose-member 200: untyped at L.a",
        "GET /map-at-root 200: untyped at (answer)",
        "GET /no-media-type 200: no media type",
    ]
