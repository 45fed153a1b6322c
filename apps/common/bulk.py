"""New rows of one model written in one statement, their values sent as one JSON document.

Django's `bulk_create` sends each column as an array parameter. psycopg builds the text of an array
in Python, escaping every quote of every element, so the JSON columns (an audit entry's detail, a
timeline entry's values, a sync answer) alone took about a tenth of a tablet's batch
(docs/performance/sync.md). On PostgreSQL `bulk_insert` sends the rows as one JSON array, which the database unpacks
into the table's own row type (`jsonb_populate_recordset`): the same columns, the same values, the
same defaults and constraints, one parameter. Elsewhere, or for a value it cannot put in JSON as
itself, it is `bulk_create`.
"""

import datetime
import decimal
import ipaddress
import json
import uuid

from django.db import connections, models, router
from django.db.models import NOT_PROVIDED
from psycopg.types.json import Json, Jsonb


class _NotJson(Exception):
    """A value that would not reach the database as itself through JSON."""


def _json_value(value):
    """A column's database value as JSON that PostgreSQL reads back into the column's type."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (Json, Jsonb)):
        if value.dumps not in (None, json.dumps):
            raise _NotJson  # a field with an encoder of its own
        return value.obj
    if isinstance(value, (uuid.UUID, decimal.Decimal, ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return "\\x" + bytes(value).hex()
    raise _NotJson


# Django's own field classes send a value of these types to PostgreSQL unchanged, so the row need not
# go through `get_db_prep_save` for it, which was half of building a held row. Subclasses (an
# encrypted text, say) and any other value take the full way.
_SENT_AS_IS = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
    models.UUIDField: uuid.UUID,
    models.DateTimeField: datetime.datetime,
}


def _sent_as_is(field: models.Field) -> type | None:
    """The type of value this field sends unchanged (a plain foreign key sends its target's)."""
    if type(field) is models.ForeignKey:
        field = field.target_field
    return _SENT_AS_IS.get(type(field))


def _db_value(field: models.Field, plain: type | None, obj: models.Model, connection):
    """What `bulk_create` would send for this field of this new row (its defaults and clocks
    applied), as JSON."""
    value = field.pre_save(obj, True)
    naive = isinstance(value, datetime.datetime) and value.tzinfo is None  # Django warns, makes it aware
    if plain is not None and (value is None or type(value) is plain) and not naive:
        return _json_value(value)
    return _json_value(field.get_db_prep_save(value, connection))


def _columns(model) -> list[models.Field] | None:
    """The fields an INSERT names, or None when one is not a plain column."""
    fields = []
    for field in model._meta.local_concrete_fields:
        if getattr(field, "generated", False) or field.db_default is not NOT_PROVIDED:
            return None
        fields.append(field)
    return fields


def bulk_insert(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Insert `objs` (new rows) in one statement; as `bulk_create`, sets the primary keys the
    database gave. No signals are sent, as with `bulk_create`."""
    if not objs:
        return objs
    using = router.db_for_write(model)
    connection = connections[using]
    fields = _columns(model) if connection.vendor == "postgresql" else None
    if fields is None:
        return model.objects.bulk_create(objs)
    pk = model._meta.pk
    given = [obj.pk is not None for obj in objs]
    if any(given) and not all(given):
        return model.objects.bulk_create(objs)  # some keys chosen, some left to the database
    if not all(given):
        fields = [field for field in fields if field is not pk]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_insert")  # as bulk_create checks
    try:
        plan = [(field.column, field, _sent_as_is(field)) for field in fields]
        rows = [{column: _db_value(field, plain, obj, connection) for column, field, plain in plan} for obj in objs]
        document = json.dumps(rows, allow_nan=False, separators=(",", ":"))
    except (_NotJson, ValueError, TypeError):
        return model.objects.bulk_create(objs)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    picked = ", ".join(f"r.{quote(field.column)}" for field in fields)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {picked}"  # noqa: S608 (names from the model, values bound)
        f" FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb) WITH ORDINALITY AS r"
        f" ORDER BY r.ordinality RETURNING {quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [document])
        keys = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = pk.to_python(key)
        obj._state.adding = False
        obj._state.db = using
    return objs
