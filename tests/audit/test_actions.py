"""Audit action names are a registry: unknown names are refused, and the code and the docs agree with it."""

import pytest

from apps.audit.actions import ADMIN_READ_ONLY_MODELS, AUDIT_ACTIONS, FIELD_SYNC_TYPES, UnknownAuditAction
from apps.audit.models import AuditEntry
from apps.audit.services import audit_record, audit_record_many
from tests.literals import generated_block, literal_arguments, markdown_table
from tests.servers import ROOT

DOC = ROOT / "docs" / "security" / "audit-actions.md"


def recorded_literals() -> dict[str, list[str]]:
    return literal_arguments("action", skip={"add_argument"}, positional={"_audited_view": 3})


@pytest.mark.django_db
def test_recording_an_unregistered_action_is_refused_and_writes_nothing(dispatcher, team):
    before = AuditEntry.objects.count()
    with pytest.raises(UnknownAuditAction, match=r"incident\.peek"):
        audit_record(actor=dispatcher, action="incident.peek")
    with pytest.raises(UnknownAuditAction):
        audit_record_many(actor=dispatcher, action="team.peek", objects=[team])
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_a_registered_action_is_recorded(dispatcher):
    assert audit_record(actor=dispatcher, action="board.view").action == "board.view"


def test_every_literal_action_in_the_code_is_registered():
    unknown = {name: places for name, places in recorded_literals().items() if name not in AUDIT_ACTIONS}
    assert not unknown, f"register these in apps/audit/actions.py: {unknown}"


def test_every_registered_action_is_recorded_somewhere():
    """A name nobody records any more stays only if old rows need it; today none does."""
    built = {f"field.sync.{t}" for t in FIELD_SYNC_TYPES} | {f"{m}.view" for m in ADMIN_READ_ONLY_MODELS}
    unused = set(AUDIT_ACTIONS) - set(recorded_literals()) - built
    assert not unused


def test_every_action_has_a_one_line_meaning():
    assert all(meaning.strip() and "\n" not in meaning for meaning in AUDIT_ACTIONS.values())


def audit_actions_table() -> str:
    return markdown_table(
        ("action", "meaning"), [(f"`{name}`", meaning) for name, meaning in sorted(AUDIT_ACTIONS.items())]
    )


def test_the_security_docs_list_every_action():
    assert generated_block(DOC, "audit-actions") == audit_actions_table(), (
        f"paste between the markers in {DOC.name}:\n{audit_actions_table()}"
    )


def test_the_built_names_cover_every_sync_mutation_and_every_read_only_admin():
    """`field.sync.<type>` and `<model>.view` are built at run time: their parts must match the code's."""
    import rest_framework.views  # noqa: F401  first: importing apps.common.api before DRF's views is a cycle
    from django.contrib import admin

    from apps.field.services import HANDLERS
    from apps.intake.admin import ReadOnlyAdmin

    assert set(HANDLERS) == set(FIELD_SYNC_TYPES)
    read_only = {model._meta.label_lower for model, ma in admin.site._registry.items() if isinstance(ma, ReadOnlyAdmin)}
    assert read_only == set(ADMIN_READ_ONLY_MODELS)
