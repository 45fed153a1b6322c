"""What the OpenAPI schema says each door answers: the error shapes every door shares, added to each
operation by the rules below, and helpers for the success shapes each view declares.

Every view declares its success answer with `extend_schema(responses=ok(201, Shape))`; this schema
class adds the refusals the door can give: 401 and 403 (signed out, idle past the role's limit, a
revoked tablet, the role refused), 400 for a body or query that fails validation, 404 for an id in
the path or the body, 429 for throttled doors, and 409 where the view says so (`ok(..., conflict=True)`).
`tests/common/test_openapi.py` fails for an operation without a declared success answer.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

_DETAIL = {"detail": {"type": "string", "description": "What went wrong, for a person to read."}}
_CODE = {"code": {"type": "string", "description": "A machine-readable reason, where the client must act on it."}}

FIELD_ERRORS = {
    "type": "object",
    "description": '`{"field": ["message"]}` for each refused field, or `{"detail": ...}` for the whole request.',
    "properties": _DETAIL,
    "additionalProperties": True,
}
REFUSAL = {"type": "object", "properties": {**_DETAIL, **_CODE}, "required": ["detail"], "additionalProperties": True}
CONFLICT = {
    "type": "object",
    "properties": {
        **_DETAIL,
        "server": {"type": "object", "additionalProperties": True, "description": "The server's copy of the record."},
    },
    "required": ["detail", "server"],
    "additionalProperties": True,
}


def ok(status: int, shape, *, description: str = "", conflict: bool = False) -> dict:
    """The success answer of one operation (a serializer, a raw schema, or None for no body)."""
    responses = {status: OpenApiResponse(response=shape, description=description)}
    if conflict:
        responses[409] = OpenApiResponse(response=CONFLICT)
    return responses


def obj(properties: dict, *, required=None, description: str = "") -> dict:
    """A raw object schema: `properties` named; `required` defaults to all of them; more keys allowed."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else list(required),
        "additionalProperties": True,
    }
    if description:
        schema["description"] = description
    return schema


def results(item, **more) -> dict:
    """`{"results": [item, ...]}`, with any other top-level keys."""
    return obj({"results": {"type": "array", "items": item}, **more})


class FirstlineAutoSchema(AutoSchema):
    """Adds the refusals every door can answer to whatever success answer the view declares, and
    names each serializer after the class it is nested in (every view's `InputSerializer` was one
    component, "Input", so all but one door showed another door's fields)."""

    def get_serializer_name(self, serializer, direction):
        name = type(serializer).__qualname__.replace(".", "")
        return name.removesuffix("Shape") or super().get_serializer_name(serializer, direction)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses

        def add(code: str, schema: dict, description: str) -> None:
            responses.setdefault(code, self._get_response_for_code(OpenApiResponse(schema, description), code))

        if self.method in ("POST", "PUT", "PATCH") or self._get_query_parameters():
            add("400", FIELD_ERRORS, "The request was refused as it stands: field errors, or a detail.")
        add("401", REFUSAL, "Not signed in, the session ended or went idle, or the tablet was revoked.")
        add("403", REFUSAL, "Signed in, but this role or this person may not do this.")
        if "{" in self.path or self.method in ("POST", "PUT", "PATCH"):
            add("404", REFUSAL, "No such record (in the path or named in the body), or not one this person may see.")
        if getattr(self.view, "throttle_classes", None):
            add("429", REFUSAL, "Too many requests: wait and try again.")
        return responses

    def _get_query_parameters(self):
        return any(parameter.get("in") == "query" for parameter in self._get_parameters())
