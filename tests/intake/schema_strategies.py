"""Hypothesis strategies for documents that validate against a JSON schema (tests/intake/eido_strategies.py
points them at NENA's EIDO schema).

hypothesis-jsonschema (0.23.1) does not run with our Hypothesis, so this small builder walks the
schema itself: `$ref` (within a file and across NENA's NIEM files, through the same `referencing`
registry the intake uses), `allOf`, objects with required and optional members, arrays, `enum`,
strings with `format` date-time, uri, uri-reference and int32, numbers, integers and booleans;
and, although NENA's schema does not use them, `anyOf`, `oneOf`, `pattern`, lengths and bounds.
A keyword it does not know raises `Unsupported` rather than yielding documents that only look
valid. A schema without `type` is read as JSON Schema reads it: `required` and `properties` bind
only objects, so such a member is sometimes another kind of value (NENA's `ReferenceType` has no
type: `"callBackReference": 7` is a valid EIDO).

The walk is bounded: from `max_depth` nested objects on, only required members are made and arrays
hold their minimum. At each object a few optional members are drawn (`max_optional`). `focus` names
optional members drawn three times in four wherever they appear, and then not as an empty list (the
members the intake reads); `hints` offers, for a member name, domain values beside the schema's own
(three times in four, and only where they validate). `formats="asserted"` makes only strings that
meet their format; `"annotation"` (how JSON Schema and the intake read `format`) adds near misses
such as 2026-02-30T10:00:00Z. Tests validate every generated document with jsonschema and
`format_checker()` (near misses excepted), so neither the walk nor a hint can drift from the schema unnoticed.
"""

import json
import re
import string
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import strategies as st
from jsonschema import FormatChecker

INT32 = (-(2**31), 2**31 - 1)
ANNOTATIONS = {"title", "description", "example", "examples", "default", "readOnly", "writeOnly", "deprecated"}
ANNOTATIONS |= {"xml", "externalDocs", "nullable", "discriminator", "$schema", "id", "definitions"}
KEYWORDS = {"$ref", "allOf", "anyOf", "oneOf", "type", "enum", "properties", "required", "items", "format"}
KEYWORDS |= {"additionalProperties", "pattern", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems"}
KEYWORDS |= {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*")


# With `format` an annotation (as JSON Schema and the intake read it), these are valid too: strings
# shaped like the format that are not one. The intake must take them (and say it cannot use them).
NEAR_MISSES = {
    "date-time": ["2026-02-30T10:00:00Z", "2026-13-45T25:00:00", "2026-11-26T13:58:12+99:00", "2026-11-26 13:58"],
    "uri": ["not a uri", "tel:", "//no-scheme.example/x", ""],
}


class Unsupported(Exception):
    """The schema uses something this builder cannot honour: better to stop than to drift."""


class Unsatisfiable(Unsupported):
    """No value meets every part (NIEM types whose allOf parts each pin `@context` to their own enum)."""


def format_checker() -> FormatChecker:
    """Strict checks of the formats NENA's schema names (jsonschema's own need packages we lack)."""
    checker = FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value) -> bool:
        if not isinstance(value, str):
            return True
        if not RFC3339.fullmatch(value):
            return False
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # refuses 2026-02-30
        return True

    checker.checks("uri")(lambda v: not isinstance(v, str) or bool(URI.fullmatch(v)))
    checker.checks("uri-reference")(lambda v: not isinstance(v, str) or not any(c.isspace() for c in v))
    checker.checks("int32")(lambda v: not isinstance(v, int) or INT32[0] <= v <= INT32[1])
    return checker


def date_times() -> st.SearchStrategy[str]:
    """RFC 3339 date-times, with Z or a numeric offset, with or without fractions of a second."""
    offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
    moments = st.datetimes(timezones=offsets | st.just(UTC))
    return st.builds(
        lambda moment, fraction: moment.isoformat(timespec="microseconds" if fraction else "seconds").replace(
            "+00:00", "Z"
        ),
        moments,
        st.booleans(),
    )


def uris() -> st.SearchStrategy[str]:
    segment = st.text(alphabet=string.ascii_letters + string.digits + "-._~", min_size=1, max_size=12)
    host = st.from_regex(r"[a-z][a-z0-9-]{0,10}\.(example|org|net)", fullmatch=True)
    return st.one_of(
        st.builds(lambda h, p: f"https://{h}/{p}", host, segment),
        st.builds(lambda n: f"tel:+1303555{n:04d}", st.integers(0, 9999)),
        st.builds(lambda u, h: f"sip:{u}@{h}", segment, host),
        st.builds(lambda s: f"urn:emergency:uid:{s}", segment),
    )


def json_values(max_leaves: int = 4) -> st.SearchStrategy:
    return st.recursive(
        _scalars(),
        lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=6), inner, max_size=2),
        max_leaves=max_leaves,
    )


def json_non_objects(max_leaves: int = 4) -> st.SearchStrategy:
    """Any JSON value but an object (what an untyped schema with `required` also accepts)."""
    return _scalars() | st.lists(json_values(max_leaves), max_size=2)


def _scalars() -> st.SearchStrategy:
    numbers = st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    return st.none() | st.booleans() | numbers | st.text(max_size=12)


def _is_type(value, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


class SchemaStrategies:
    """Strategies for the schemas reachable through a `referencing` registry."""

    def __init__(
        self,
        registry,
        *,
        validator_class,
        formats: str = "asserted",
        max_depth: int = 5,
        max_optional: int = 3,
        focus: frozenset[str] = frozenset(),
        hints: dict | None = None,
    ):
        if formats not in {"asserted", "annotation"}:
            raise ValueError(formats)
        self.registry = registry
        self.formats = formats
        self.validator_class = validator_class
        self.max_depth = max_depth
        self.max_optional = max_optional
        self.focus = focus
        self.hints = hints or {}
        self.seen_keywords: set[str] = set()
        self.seen_formats: set[str] = set()
        self.format_checker = format_checker()
        self._cache: dict = {}

    def from_ref(self, uri: str) -> st.SearchStrategy:
        return self._build([({"$ref": uri}, self.registry.resolver())], depth=0)

    # --- reading the schema ---------------------------------------------------------------------

    def _flatten(self, schema, resolver) -> list[tuple[dict, object]]:
        """Follow `$ref` and unfold `allOf`, keeping each part's resolver (a `$ref` is relative to its file)."""
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema that is not an object: {schema!r}")
        unknown = set(schema) - KEYWORDS - ANNOTATIONS
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        self.seen_keywords |= set(schema) & KEYWORDS
        if "$ref" in schema:  # draft 4 and OpenAPI 3.0: members beside a $ref are ignored
            resolved = resolver.lookup(schema["$ref"])
            return self._flatten(resolved.contents, resolved.resolver)
        parts = [({k: v for k, v in schema.items() if k != "allOf"}, resolver)]
        for part in schema.get("allOf", []):
            parts += self._flatten(part, resolver)
        return parts

    @staticmethod
    def _merge(parts) -> dict:
        """One description meeting every part (NENA's allOf: a prologue plus the component's own members)."""
        merged: dict = {"properties": {}, "required": set(), "items": [], "alternatives": []}
        for schema, resolver in parts:
            for key, value in schema.items():
                if key in ANNOTATIONS:
                    continue
                if key == "properties":
                    for name, sub in value.items():
                        merged["properties"].setdefault(name, []).append((sub, resolver))
                elif key == "required":
                    merged["required"] |= set(value)
                elif key == "items":
                    if not isinstance(value, dict):
                        raise Unsupported("tuple-form items")
                    merged["items"].append((value, resolver))
                elif key in {"anyOf", "oneOf"}:
                    merged["alternatives"].append((key, value, resolver))
                elif key == "type":
                    types = set(value) if isinstance(value, list) else {value}
                    merged["type"] = merged.get("type", types) & types
                    if not merged["type"]:
                        raise Unsatisfiable("allOf parts that no single type satisfies")
                elif key == "enum":
                    allowed = {json.dumps(v, sort_keys=True) for v in value}  # NIEM enums run to thousands
                    merged["enum"] = [v for v in merged.get("enum", value) if json.dumps(v, sort_keys=True) in allowed]
                    if not merged["enum"]:
                        raise Unsatisfiable("allOf parts whose enums share no value")
                elif key in merged and merged[key] != value:
                    raise Unsupported(f"allOf parts that disagree on {key}")
                else:
                    merged[key] = value
        return merged

    def _validator(self, schema, resolver):
        checker = self.format_checker if self.formats == "asserted" else None
        return self.validator_class(schema, registry=self.registry, _resolver=resolver, format_checker=checker)

    def _fits(self, value, schema, resolver) -> bool:
        return self._validator(schema, resolver).is_valid(value)

    # --- building strategies --------------------------------------------------------------------

    def _build(self, pairs, depth: int, nonempty: bool = False) -> st.SearchStrategy:
        key = (tuple((id(s), str(getattr(r, "_base_uri", ""))) for s, r in pairs), depth, nonempty)
        if key not in self._cache:
            self._cache[key] = (pairs, self._make(pairs, depth, nonempty))  # pairs kept so their ids stay theirs
        return self._cache[key][1]

    def _make(self, pairs, depth: int, nonempty: bool = False) -> st.SearchStrategy:
        parts = [part for schema, resolver in pairs for part in self._flatten(schema, resolver)]
        merged = self._merge(parts)
        if merged["alternatives"]:
            return self._alternatives(parts, merged, depth)
        types = merged.get("type")
        if "enum" in merged:
            return st.sampled_from(merged["enum"]).filter(lambda v: types is None or any(_is_type(v, t) for t in types))
        if types is None:
            if merged["properties"] or merged["required"]:
                # `required`/`properties` bind objects only: other values validate too (objects twice as often).
                others = json_non_objects(2)
                return st.one_of(self._object(merged, depth), self._object(merged, depth), others)
            return json_values()
        return st.one_of([self._typed(name, merged, depth, nonempty) for name in sorted(types)])

    def _alternatives(self, parts, merged, depth) -> st.SearchStrategy:
        """anyOf: a branch that also meets the other parts; oneOf: and that no other branch accepts."""
        kind, branches, resolver = merged["alternatives"][0]
        rest = [({k: v for k, v in s.items() if k not in {"anyOf", "oneOf"}}, r) for s, r in parts]
        options = [self._build([*rest, (branch, resolver)], depth) for branch in branches]

        def fits(value) -> bool:
            if not all(self._fits(value, s, r) for s, r in parts if s.get(kind) is not branches):
                return False
            hits = sum(self._fits(value, branch, resolver) for branch in branches)
            return hits == 1 if kind == "oneOf" else hits >= 1

        return st.one_of(options).filter(fits)

    def _typed(self, name: str, merged: dict, depth: int, nonempty: bool = False) -> st.SearchStrategy:
        if name == "object":
            return self._object(merged, depth)
        if name == "array":
            return self._array(merged, depth, nonempty)
        if name == "string":
            return self._string(merged)
        if name == "boolean":
            return st.booleans()
        if name == "null":
            return st.none()
        if name not in {"integer", "number"}:
            raise Unsupported(f"type {name!r}")
        low, high = merged.get("minimum"), merged.get("maximum")
        exclude_low, exclude_high = bool(merged.get("exclusiveMinimum")), bool(merged.get("exclusiveMaximum"))
        if name == "number":
            return st.floats(
                min_value=low,
                max_value=high,
                exclude_min=exclude_low and low is not None,
                exclude_max=exclude_high and high is not None,
                allow_nan=False,
                allow_infinity=False,
            )
        if merged.get("format") == "int32":
            self.seen_formats.add("int32")
            low = INT32[0] if low is None else max(low, INT32[0])
            high = INT32[1] if high is None else min(high, INT32[1])
        return st.integers(
            min_value=None if low is None else low + exclude_low,
            max_value=None if high is None else high - exclude_high,
        )

    def _string(self, merged: dict) -> st.SearchStrategy:
        low, high = merged.get("minLength", 0), merged.get("maxLength")
        fmt = merged.get("format")
        if fmt:
            self.seen_formats.add(fmt)
        if "pattern" in merged:
            strategy = st.from_regex(merged["pattern"])  # JSON Schema patterns search; they need not match whole
        elif fmt == "date-time":
            strategy = date_times()
        elif fmt == "uri":
            strategy = uris()
        elif fmt == "uri-reference":
            strategy = uris() | st.from_regex(r"[a-z0-9._-]{1,12}(/[a-z0-9._-]{1,12}){0,2}", fullmatch=True)
        else:
            return st.text(min_size=low, max_size=high if high is not None else max(low, 24))
        if self.formats == "annotation" and fmt in NEAR_MISSES:
            strategy = strategy | st.sampled_from(NEAR_MISSES[fmt])
        return strategy.filter(lambda s: low <= len(s) and (high is None or len(s) <= high))

    def _array(self, merged: dict, depth: int, nonempty: bool = False) -> st.SearchStrategy:
        low = merged.get("minItems")
        low = low if isinstance(low, int) else 0  # NENA writes `minItems: 1,` once: a string, so no constraint
        if nonempty and merged.get("maxItems", 1) >= 1:
            low = max(low, 1)
        wanted = low if depth > self.max_depth else max(low, 2)  # an optional list of a shallow object may hold items
        high = merged.get("maxItems")
        high = wanted if high is None else min(high, max(wanted, low))
        element = self._build(merged["items"], depth) if merged["items"] else json_values()  # depth counts objects
        unique = {"unique_by": lambda v: json.dumps(v, sort_keys=True)} if merged.get("uniqueItems") else {}
        return st.lists(element, min_size=low, max_size=high, **unique)

    def _member(self, name: str, pairs, depth: int) -> st.SearchStrategy:
        # A focused list holds something (an empty one is valid too, and drawn where it is not focused).
        generic = self._build(pairs, depth + 1, nonempty=name in self.focus) if pairs else json_values()
        hint = self.hints.get(name)
        if hint is None:
            return generic
        # A hint is offered only where its values fit (a name can mean different things in NIEM's files),
        # three times in four; the schema's own values the rest of the time.
        checks = [self._validator(s, r) for s, r in pairs]
        hinted = hint(generic).filter(lambda v: all(c.is_valid(v) for c in checks))
        return st.one_of(hinted, hinted, hinted, generic)

    def _satisfiable(self, pairs) -> bool:
        """Whether some value meets all of a member's schemas (an optional member no value meets is left out)."""
        try:
            self._merge([part for schema, resolver in pairs for part in self._flatten(schema, resolver)])
        except Unsatisfiable:
            return False
        return True

    def _object(self, merged: dict, depth: int) -> st.SearchStrategy:
        properties, required = merged["properties"], sorted(merged["required"])
        if merged.get("additionalProperties") not in (None, True) and set(required) - set(properties):
            raise Unsupported("required members that additionalProperties forbids")
        if depth > self.max_depth + 12:
            raise Unsupported("required members nested without end")
        optional = sorted(n for n in set(properties) - set(required) if self._satisfiable(properties[n]))
        focused = [n for n in optional if n in self.focus] if depth < self.max_depth else []
        others = [n for n in optional if n not in self.focus] if depth < self.max_depth else []
        budget = self.max_optional + 1 if depth == 0 else self.max_optional
        pick = st.lists(st.sampled_from(others), unique=True, max_size=budget) if others else st.just([])
        members: dict[str, st.SearchStrategy] = {}

        def member(name: str) -> st.SearchStrategy:
            if name not in members:
                members[name] = self._member(name, properties.get(name, []), depth)
            return members[name]

        @st.composite
        def build(draw) -> dict:
            chosen = [n for n in focused if draw(st.integers(0, 3))] + draw(pick)  # focused: 3 in 4
            return {name: draw(member(name)) for name in [*required, *sorted(chosen)]}

        return build()
