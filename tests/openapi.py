"""The generated OpenAPI schema, and its response schemas as plain JSON Schema for validating answers."""

from functools import cache

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@cache
def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations() -> list[tuple[str, str, dict]]:
    """(path, method, operation) for every operation in the schema."""
    return [
        (path, method, operation)
        for path, item in api_schema()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def json_schema(node, components: dict | None = None):
    """An OpenAPI 3.0 schema as JSON Schema: `$ref`s inlined, `nullable: true` as "or null", and
    objects described field by field closed to other keys (so an answer's extra key fails too)."""
    components = components if components is not None else api_schema()["components"]["schemas"]
    if isinstance(node, list):
        return [json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return json_schema(components[node["$ref"].rsplit("/", 1)[1]], components)
    converted = {key: json_schema(value, components) for key, value in node.items() if key != "nullable"}
    if "properties" in node and "additionalProperties" not in node:
        converted["additionalProperties"] = False  # a key the schema does not name is undocumented
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def response_schema(operation: dict, status: int) -> dict | None:
    """The JSON Schema of the answer with this status, None when it has no body; KeyError if undeclared."""
    declared = operation["responses"][str(status)]
    content = declared.get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    return json_schema(media["schema"]) if media and "schema" in media else None
