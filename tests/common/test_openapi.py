"""Every REST operation declares what it answers: its success body and the refusals every door can give."""

from tests.openapi import api_schema, operations


def test_the_schema_has_operations():
    assert len(operations()) > 60


def test_every_operation_declares_its_success_answer():
    missing = []
    for path, method, operation in operations():
        answers = operation["responses"]
        success = [code for code in answers if code.startswith("2")]
        with_body = [code for code in success if "content" in answers[code] or code == "204"]
        if not with_body:
            missing.append(f"{method.upper()} {path}: {sorted(answers)}")
    assert not missing, "declare a success answer (extend_schema(responses=ok(...))) for:\n" + "\n".join(missing)


def test_every_operation_declares_the_refusals_its_door_can_give():
    missing = []
    for path, method, operation in operations():
        wanted = {"401", "403"}
        if "{" in path:
            wanted.add("404")
        if method in ("post", "put", "patch"):
            wanted.add("400")
        lacking = wanted - set(operation["responses"])
        if lacking:
            missing.append(f"{method.upper()} {path}: {sorted(lacking)}")
    assert not missing, "\n".join(missing)


def test_a_created_record_is_declared_as_201_with_its_body():
    created = api_schema()["paths"]["/api/v1/incidents/"]["post"]["responses"]
    assert "200" not in created
    assert created["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Incident"}


def test_a_conflict_carries_the_servers_copy():
    patch = api_schema()["paths"]["/api/v1/incidents/{incident_id}/"]["patch"]["responses"]
    assert patch["409"]["content"]["application/json"]["schema"]["required"] == ["detail", "server"]


def test_every_door_names_its_own_input():
    """Nested `InputSerializer`s once shared one component: each door now has its own."""
    names = list(api_schema()["components"]["schemas"])
    assert "Input" not in names
    assert {"LoginApiInput", "DeviceCheckApiInput"} <= set(names)
