"""The database keeps the access log whole: rows join the hash chain as their transaction commits,
and UPDATE, DELETE and TRUNCATE are refused (PostgreSQL; on SQLite apps.audit.chain chains rows
in Python). Existing rows are chained here, oldest first.

`firstline_audit_seal_pending` must build exactly the text `apps.audit.chain.canonical` builds.
It runs with its owner's rights (SECURITY DEFINER), so an application role that may only INSERT
and SELECT the log can still extend the chain, and it alone may fill in a row's chain columns.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION firstline_audit_field(value text) RETURNS text AS $$
  SELECT length(coalesce(value, ''))::text || ':' || coalesce(value, '') || ';'
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION firstline_audit_seal_pending() RETURNS bigint AS $$
DECLARE
  seq bigint;
  last text;
  joined bigint := 0;
  r record;
BEGIN
  INSERT INTO audit_auditchainhead (id, last_seq, last_hash) VALUES (1, 0, '') ON CONFLICT (id) DO NOTHING;
  SELECT last_seq, last_hash INTO seq, last FROM audit_auditchainhead WHERE id = 1 FOR UPDATE;
  FOR r IN
    SELECT id, (extract(epoch FROM at) * 1000000)::bigint AS at_us, coalesce(actor_id::text, '') AS actor,
           actor_username, actor_role, action, object_type, object_id, door, coalesce(host(ip), '') AS ip,
           outcome, detail::text AS detail_text, record_ids::text AS ids_text
    FROM audit_auditentry WHERE chain_seq IS NULL ORDER BY id
  LOOP
    seq := seq + 1;
    UPDATE audit_auditentry
       SET chain_seq = seq,
           prev_hash = last,
           row_hash = encode(sha256(convert_to(
               firstline_audit_field(seq::text) || firstline_audit_field(r.id::text)
               || firstline_audit_field(r.at_us::text) || firstline_audit_field(r.actor)
               || firstline_audit_field(r.actor_username) || firstline_audit_field(r.actor_role)
               || firstline_audit_field(r.action) || firstline_audit_field(r.object_type)
               || firstline_audit_field(r.object_id) || firstline_audit_field(r.door)
               || firstline_audit_field(r.ip) || firstline_audit_field(r.outcome)
               || firstline_audit_field(r.detail_text) || firstline_audit_field(r.ids_text)
               || firstline_audit_field(last), 'UTF8')), 'hex')
     WHERE id = r.id
     RETURNING row_hash INTO last;
    joined := joined + 1;
  END LOOP;
  IF joined > 0 THEN
    UPDATE audit_auditchainhead SET last_seq = seq, last_hash = last WHERE id = 1;
  END IF;
  RETURN joined;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT;

-- Fires once per row as the transaction commits; the first firing chains all of the
-- transaction's rows in one go, the others find their row already chained.
CREATE OR REPLACE FUNCTION firstline_audit_seal() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM audit_auditentry WHERE id = NEW.id AND chain_seq IS NULL) THEN
    PERFORM firstline_audit_seal_pending();
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT;

-- A row arrives unchained, whatever the writer put in the chain columns.
CREATE OR REPLACE FUNCTION firstline_audit_arrive() RETURNS trigger AS $$
BEGIN
  NEW.chain_seq := NULL;
  NEW.prev_hash := '';
  NEW.row_hash := '';
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- Only the sealer (running inside the commit-time trigger) may fill in the chain columns of an
-- unchained row, and nothing else; every other UPDATE, every DELETE and TRUNCATE is refused.
CREATE OR REPLACE FUNCTION firstline_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
     AND (to_jsonb(OLD) - 'chain_seq' - 'prev_hash' - 'row_hash')
         = (to_jsonb(NEW) - 'chain_seq' - 'prev_hash' - 'row_hash') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_arrive ON audit_auditentry;
CREATE TRIGGER audit_arrive BEFORE INSERT ON audit_auditentry
  FOR EACH ROW EXECUTE FUNCTION firstline_audit_arrive();
DROP TRIGGER IF EXISTS audit_chain ON audit_auditentry;
CREATE CONSTRAINT TRIGGER audit_chain AFTER INSERT ON audit_auditentry
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION firstline_audit_seal();
DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditentry;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION firstline_audit_append_only();

-- Chain the rows written before this migration.
ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only;
SELECT firstline_audit_seal_pending();
ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_chain ON audit_auditentry;
DROP TRIGGER IF EXISTS audit_arrive ON audit_auditentry;
DROP FUNCTION IF EXISTS firstline_audit_seal();
DROP FUNCTION IF EXISTS firstline_audit_arrive();
DROP FUNCTION IF EXISTS firstline_audit_seal_pending();
DROP FUNCTION IF EXISTS firstline_audit_field(text);
CREATE OR REPLACE FUNCTION firstline_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)
    else:
        from apps.audit.chain import seal_pending

        seal_pending(schema_editor.connection)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain")]
    operations = [migrations.RunPython(forward, backward)]
