"""NENA's EIDO JSON schema (NENA-STA-021.1b), the authority on every EIDO Firstline reads or writes.

The YAML files in this folder are NENA's, unchanged (see PROVENANCE.md). They are loaded once per
process and checked with jsonschema, resolving every `$ref` (within a file and across the NIEM
component files) through a `referencing` registry rooted here. OpenAPI 3.0 schema objects follow
JSON Schema draft 4/5 rules, so draft 4 is used. `format` stays an annotation, as JSON Schema says:
NENA's own sample carries date-times that a strict format check would refuse.
"""

import functools
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft4Validator, validators
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent
BASE_URI = "file:///nena-eido/"  # a name only: nothing is ever fetched, every file is read from this folder
DOCUMENT = "EmergencyIncidentDataObjectType"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _min_items(validator, min_items, instance, schema):
    """NENA writes `minItems: 1,` once (AgentType); a keyword that is not a number constrains nothing."""
    if isinstance(min_items, int) and validator.is_type(instance, "array") and len(instance) < min_items:
        yield from Draft4Validator.VALIDATORS["minItems"](validator, min_items, instance, schema)


NenaValidator = validators.extend(Draft4Validator, {"minItems": _min_items})


def _key(uri: str) -> str:
    """'…/NIEMComponents//j.yaml' and '…/NIEMComponents/j.yaml' name the same file."""
    return posixpath.normpath(urlsplit(uri).path.removeprefix("/nena-eido/").lstrip("/"))


@functools.cache
def _load(relative: str) -> dict:
    path = (SCHEMA_DIR / relative).resolve()
    if SCHEMA_DIR not in path.parents or path.suffix != ".yaml":
        raise LookupError(relative)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 (a safe loader: CSafeLoader or SafeLoader)


@functools.cache
def registry() -> Registry:
    """Files are read when a `$ref` first reaches them, then kept for the life of the process."""

    @functools.cache
    def retrieve(uri: str) -> Resource:
        return Resource.from_contents(_load(_key(uri)), default_specification=DRAFT4)

    return Registry(retrieve=retrieve)


@functools.cache
def validator(component: str = DOCUMENT) -> Draft4Validator:
    """A validator for one of NENA's component definitions (by default the whole EIDO document)."""
    schema = {"$ref": f"{BASE_URI}openapi.yaml#/components/schemas/{component}"}
    return NenaValidator(schema, registry=registry())


def definition(component: str) -> dict:
    """One definition from openapi.yaml, as NENA wrote it (for building test documents)."""
    return _load("openapi.yaml")["components"]["schemas"][component]


def _describe(error) -> tuple[str, str]:
    path = error.json_path
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = next((name for name in error.validator_value if name not in error.instance), None)
        if missing is not None:
            return f"{path}.{missing}", "is required by NENA's EIDO schema"
    if error.validator == "type":
        return path, f"must be of type {error.validator_value} (NENA's EIDO schema)"
    if error.validator == "enum" and len(error.validator_value) <= 12:
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return path, f"must be one of {allowed} (NENA's EIDO schema)"
    if error.validator == "enum":
        return path, f"{str(error.instance)[:60]!r} is not a value NENA's EIDO schema allows here"
    return path, f"{error.message[:300]} (NENA's EIDO schema)"


def first_error(document, component: str = DOCUMENT) -> tuple[str, str] | None:
    """(JSON path, reason) of the most relevant way `document` breaks the schema, or None if it validates."""
    error = best_match(validator(component).iter_errors(document))
    return None if error is None else _describe(error)


def errors(document, component: str = DOCUMENT) -> list[tuple[str, str]]:
    """Every way `document` breaks the schema (tests use this to say exactly what an emitted EIDO lacks)."""
    return sorted(_describe(e) for e in validator(component).iter_errors(document))
