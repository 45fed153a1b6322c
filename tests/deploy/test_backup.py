"""A backup is only a backup once it has been restored: dump the database, restore it into a fresh
one, and find the records there."""

import secrets
import subprocess
import sys

import psycopg
import pytest

from apps.audit.models import AuditEntry
from apps.incidents import services
from tests.deploy.test_production import server_dsn
from tests.servers import ROOT, child_env

pytestmark = pytest.mark.services


def test_a_dump_restores_into_a_fresh_database_with_the_records(transactional_db, dispatcher, team, tmp_path):
    incident = services.incident_create(actor=dispatcher, summary="Backup drill", location_text="Depot")
    audited = AuditEntry.objects.count()
    dump = tmp_path / "firstline.dump"
    env = child_env()
    backup = subprocess.run(
        [sys.executable, "manage.py", "backup_database", "--output", str(dump)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 0 and oct(dump.stat().st_mode)[-3:] == "600"
    fresh = f"firstline_restore_{secrets.token_hex(4)}"
    with psycopg.connect(server_dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restore = subprocess.run(
            [sys.executable, "manage.py", "restore_database", str(dump), "--database-url", server_dsn(fresh)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert restore.returncode == 0, restore.stderr
        with psycopg.connect(server_dsn(fresh)) as conn:
            assert conn.execute("SELECT id FROM incidents_incident").fetchall() == [(incident.pk,)]
            assert conn.execute("SELECT call_sign FROM teams_team").fetchall() == [(team.call_sign,)]
            assert conn.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0] == audited
            applied = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
            assert applied > 10
    finally:
        with psycopg.connect(server_dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
