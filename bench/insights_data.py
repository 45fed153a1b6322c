"""The generator of bench/insights_scale.py: the demo's archive (apps/demo/archive/) multiplied in
SQL, one copy per pass (INSERT ... SELECT), each copy with its own ids, external ids and callback
digests, on the same days: incidents, assignments, encounters and their versions, screening
decisions, co-responses, referrals with their steps and follow-ups (what the rollups read; the
timelines are not copied), and the rollup facts of each copy (copy_facts).
"""

from django.db import connection

from apps.demo.archive import PREFIX

# What one copy of the archive inserts, in order: (table, {column: expression over the source row
# "s" and the maps}, joins). %(k)s is the copy's number.
UUID = "md5({col}::text || '-%(k)s')::uuid"


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _insert(table: str, replace: dict[str, str], source: str, *, k: int, skip=("id",)) -> int:
    columns = [c for c in _columns(table) if c not in skip or c in replace]
    values = [replace.get(c, f"s.{c}") for c in columns]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("%(k)s", str(k)))
        return cursor.rowcount


def copy_archive(k: int) -> int:
    """One more copy of the archive's calls and what hangs off them; answers the calls added."""
    calls = _insert(
        "incidents_incident",
        {
            "external_id": f"'bench{k}-' || s.id::text",
            "callback_digest": "CASE WHEN s.callback_digest = '' THEN '' ELSE md5(s.callback_digest || '-%(k)s') END",
        },
        f"FROM incidents_incident s WHERE s.external_id LIKE '{PREFIX}%%'",
        k=k,
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_calls")
        cursor.execute(
            "CREATE TEMP TABLE bench_calls AS SELECT s.id AS old, n.id AS new FROM incidents_incident s "  # noqa: S608
            f"JOIN incidents_incident n ON n.external_id = 'bench{k}-' || s.id::text "
            f"WHERE s.external_id LIKE '{PREFIX}%%'"
        )
        cursor.execute("CREATE INDEX ON bench_calls (old)")
    _insert(
        "incidents_assignment",
        {"incident_id": "m.new"},
        "FROM incidents_assignment s JOIN bench_calls m ON m.old = s.incident_id",
        k=k,
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_assignments")
        cursor.execute(
            "CREATE TEMP TABLE bench_assignments AS SELECT s.id AS old, n.id AS new FROM incidents_assignment s "
            "JOIN bench_calls m ON m.old = s.incident_id JOIN incidents_assignment n ON n.incident_id = m.new "
            "AND n.team_id = s.team_id AND n.dispatched_at = s.dispatched_at"
        )
        cursor.execute("CREATE INDEX ON bench_assignments (old)")
    enc = UUID.format(col="s.id")
    _insert(
        "incidents_encounter",
        {"id": enc, "incident_id": "m.new", "assignment_id": "a.new"},
        "FROM incidents_encounter s JOIN bench_calls m ON m.old = s.incident_id "
        "LEFT JOIN bench_assignments a ON a.old = s.assignment_id",
        k=k,
    )
    _insert(
        "incidents_encounterversion",
        {"encounter_id": UUID.format(col="s.encounter_id")},
        "FROM incidents_encounterversion s JOIN incidents_encounter e ON e.id = s.encounter_id "
        f"JOIN incidents_incident i ON i.id = e.incident_id WHERE i.external_id LIKE '{PREFIX}%%'",
        k=k,
    )
    with connection.cursor() as cursor:
        # The demo's own decisions end where the first copy began: only those are copied (a decision
        # with no call, copied before, must not be copied again).
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_origin AS SELECT max(id) AS last FROM intake_screeningdecision"
        )
        cursor.execute("SELECT coalesce(max(id), 0) FROM intake_screeningdecision")
        before = cursor.fetchone()[0]
    decisions = (
        "FROM intake_screeningdecision s LEFT JOIN bench_calls m ON m.old = s.incident_id "  # noqa: S608
        "WHERE s.id <= (SELECT last FROM bench_origin) AND (m.new IS NOT NULL OR (s.incident_id IS NULL AND "
        f"s.decided_at < (SELECT max(received_at) FROM incidents_incident WHERE external_id LIKE '{PREFIX}%%')))"
    )
    # In the source's id order, so that the n-th new decision is the copy of the n-th old one.
    _insert("intake_screeningdecision", {"incident_id": "m.new"}, f"{decisions} ORDER BY s.id", k=k)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_decisions")
        cursor.execute(
            "CREATE TEMP TABLE bench_decisions AS "  # noqa: S608
            f"WITH o AS (SELECT s.id, s.decided_at, row_number() OVER (ORDER BY s.id) AS n {decisions}), "
            f"c AS (SELECT id, decided_at, row_number() OVER (ORDER BY id) AS n FROM intake_screeningdecision "
            f"WHERE id > {before}) SELECT o.id AS old, c.id AS new, o.decided_at = c.decided_at AS same "
            "FROM o JOIN c USING (n)"
        )
        cursor.execute("SELECT count(*) FILTER (WHERE NOT same) FROM bench_decisions")
        assert cursor.fetchone()[0] == 0, "decision copies out of order"
        cursor.execute("CREATE INDEX ON bench_decisions (old)")
    _insert("safety_coresponse", {"id": UUID.format(col="s.id"), "incident_id": "m.new"},
            "FROM safety_coresponse s JOIN bench_calls m ON m.old = s.incident_id", k=k)  # fmt: skip
    archived = (
        "JOIN incidents_encounter e ON e.id = s.encounter_id JOIN incidents_incident i ON i.id = e.incident_id "
        f"WHERE i.external_id LIKE '{PREFIX}%%'"
    )
    ref = UUID.format(col="s.id")
    _insert("followups_referral", {"id": ref, "encounter_id": UUID.format(col="s.encounter_id")},
            f"FROM followups_referral s {archived}", k=k)  # fmt: skip
    _insert(
        "followups_referralstatuschange",
        {"referral_id": UUID.format(col="s.referral_id")},
        "FROM followups_referralstatuschange s JOIN followups_referral r ON r.id = s.referral_id "
        "JOIN incidents_encounter e ON e.id = r.encounter_id JOIN incidents_incident i ON i.id = e.incident_id "
        f"WHERE i.external_id LIKE '{PREFIX}%%'",
        k=k,
    )
    _insert(
        "followups_followup",
        {
            "id": ref,
            "encounter_id": UUID.format(col="s.encounter_id"),
            "referral_id": f"CASE WHEN s.referral_id IS NULL THEN NULL ELSE {UUID.format(col='s.referral_id')} END",
            "origin_key": "CASE WHEN s.origin_key IS NULL THEN NULL ELSE s.origin_key || ':%(k)s' END",
        },
        f"FROM followups_followup s {archived}",
        k=k,
    )
    copy_facts(k)
    return calls


def copy_facts(k: int) -> None:
    """The copy's rollup facts: its originals' facts with the copy's ids (what rollups_rebuild would
    compute for them, the calls being the same but for ids and callback digests), so the rollups
    of a million calls are summed by days_refresh without computing a million facts in Python."""
    _insert(
        "insights_callfact",
        {
            "incident_id": "m.new",
            "callback_digest": "CASE WHEN s.callback_digest = '' THEN '' ELSE md5(s.callback_digest || '-%(k)s') END",
        },
        "FROM insights_callfact s JOIN bench_calls m ON m.old = s.incident_id",
        k=k,
        skip=(),
    )
    _insert(
        "insights_screeningfact",
        {"decision_id": "d.new", "incident_id": "m.new"},
        "FROM insights_screeningfact s JOIN bench_decisions d ON d.old = s.decision_id "
        "LEFT JOIN bench_calls m ON m.old = s.incident_id",
        k=k,
        skip=(),
    )
    _insert(
        "insights_referralfact",
        {"referral_id": UUID.format(col="s.referral_id"), "incident_id": "m.new"},
        "FROM insights_referralfact s JOIN bench_calls m ON m.old = s.incident_id",
        k=k,
        skip=(),
    )
    _insert(
        "insights_followupfact",
        {"followup_id": UUID.format(col="s.followup_id")},
        "FROM insights_followupfact s JOIN followups_followup f ON f.id = s.followup_id "
        "JOIN incidents_encounter e ON e.id = f.encounter_id JOIN incidents_incident i ON i.id = e.incident_id "
        f"WHERE i.external_id LIKE '{PREFIX}%%'",
        k=k,
        skip=(),
    )
