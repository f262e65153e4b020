"""The fast read of responses: the database writes JSON lines, pyarrow parses them, no per-row Python.

Fetching a million rows as tuples means ten million Python objects to build and then to turn into
Arrow arrays, on one core. Instead the database builds, per response, one line of JSON with the
slice columns and the answers document as it is stored, e.g.

    {"id":7,"parent_id":null,"oblast_code":"UA35…","wave":"2021",…,"synthetic":false,"answers":{…}}

(text through json_quote / to_json, so any value is escaped by the database), and concatenates a
chunk of lines into ONE value (group_concat / string_agg), paging by id. One bytes object per
200,000 responses crosses into Python; pyarrow's JSON reader parses it against an explicit schema
(the answers as a struct typed from the survey's questions).

This path refuses rather than guesses: any value whose JSON type differs from the schema (pyarrow
raises), a line the database could not build (a NULL document: fewer lines than rows), ids out of
order, or an SQL error (a SQLite without JSON functions) raise NotFast, and frames.py reads the
same rows the careful way. Parameterised SQL only; the SQL text is assembled from constants.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.json as pa_json
from sqlalchemy.engine import Engine

CHUNK_ROWS = 200_000
TEXT_SLICES = ("oblast_code", "raion_code", "hromada_code", "wave", "period_date", "submitted_at")


class NotFast(Exception):
    """The fast read cannot vouch for this data; read it the careful way."""


def _line(postgres: bool, with_parent: bool) -> str:
    """SQL for one JSON line per response (alias r = the row that gives the slice, c = the repeat row)."""
    row = "c" if with_parent else "r"

    def text(column: str) -> str:
        if postgres:
            return f"coalesce(to_json(r.{column})::text, 'null')"
        return f"json_quote(r.{column})"

    def document(alias: str) -> str:
        return f"{alias}.answers::text" if postgres else f"{alias}.answers"

    parent_id = "c.parent_id" if with_parent else "'null'"
    parts = [f"'{{\"id\":' || {row}.id", f"',\"parent_id\":' || {parent_id}"]
    parts += [f"',\"{column}\":' || {text(column)}" for column in TEXT_SLICES]
    parts.append("',\"synthetic\":' || CASE WHEN r.synthetic THEN 'true' ELSE 'false' END")
    parts.append(f"',\"answers\":' || {document(row)}")
    if with_parent:
        parts.append(f"',\"parent_answers\":' || {document('r')}")
    return " || ".join(parts) + " || '}'"


def _query(postgres: bool, with_parent: bool) -> str:
    """One chunk: (count, last id, the lines), the next `n` responses after id `after` (keyset paging)."""
    p = (lambda name: f"%({name})s") if postgres else (lambda name: f":{name}")
    if with_parent:
        source = "response c JOIN response r ON r.id = c.parent_id"
        where = f"c.instrument_id = {p('instrument')} AND c.repeat = {p('repeat')}"
        key = "c.id"
    else:
        source = "response r"
        where = f"r.instrument_id = {p('instrument')} AND r.parent_id IS NULL"
        key = "r.id"
    # Assembled from the constant fragments above only; every value is a bound parameter.
    rows = (
        f"SELECT {key} AS key, {_line(postgres, with_parent)} AS line FROM {source} "  # noqa: S608
        f"WHERE {where} AND {key} > {p('after')} ORDER BY {key} LIMIT {p('n')}"
    )
    if postgres:
        aggregate = "convert_to(string_agg(line, chr(10) ORDER BY key), 'UTF8')"
        return f"SELECT count(*), max(key), {aggregate} FROM ({rows}) s"  # noqa: S608
    # SQLite 3.40 has no ORDER BY inside group_concat: it concatenates in the subquery's order, and
    # the ids are checked after parsing anyway.
    return f"SELECT count(*), max(key), CAST(group_concat(line, char(10)) AS BLOB) FROM ({rows})"  # noqa: S608


def line_schema(answers: pa.Schema, with_parent: bool) -> pa.Schema:
    fields = [pa.field("id", pa.int64()), pa.field("parent_id", pa.int64())]
    fields += [pa.field(column, pa.string()) for column in TEXT_SLICES]
    fields.append(pa.field("synthetic", pa.bool_()))
    fields.append(pa.field("answers", pa.struct(list(answers))))
    if with_parent:
        fields.append(pa.field("parent_answers", pa.struct(list(answers))))
    return pa.schema(fields)


def _parse(data: bytes, schema: pa.Schema) -> pa.Table:
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    read = pa_json.ReadOptions(block_size=1 << 22)
    try:
        return pa_json.read_json(pa.BufferReader(pa.py_buffer(data)), read_options=read, parse_options=options)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise NotFast(str(error)) from error


def read_chunks(
    engine: Engine, instrument_id: str, repeat: str | None, answers: pa.Schema
) -> Iterator[tuple[pa.Table, pa.Table, pa.Table | None]]:
    """(slice columns, typed answers, typed parent answers or None) per chunk, in id order; raises NotFast."""
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise NotFast(engine.dialect.name)
    with_parent = repeat is not None
    sql = _query(engine.dialect.name == "postgresql", with_parent)
    schema = line_schema(answers, with_parent)
    params: dict[str, Any] = {"instrument": instrument_id, "n": CHUNK_ROWS}
    if with_parent:
        params["repeat"] = repeat
    dbapi = getattr(engine.dialect, "loaded_dbapi", None) or engine.dialect.dbapi
    driver_error: type[Exception] = getattr(dbapi, "Error", Exception)  # PEP 249's base class of the driver
    after = np.iinfo(np.int64).min
    raw_connection = engine.raw_connection()
    try:
        cursor = raw_connection.cursor()
        try:
            while True:
                cursor.execute(sql, {**params, "after": int(after)})
                fetched = cursor.fetchone()
                if fetched is None:  # an aggregate always returns one row; a driver that does not is not fast
                    raise NotFast("the chunk query returned no row")
                count, last, data = fetched
                if not count:
                    return
                table = _parse(bytes(data) if data is not None else b"", schema)
                ids = table["id"].to_numpy()
                # Every row became one line (a NULL document drops its line), in id order, none twice.
                if len(ids) != count or ids[0] <= after or ids[-1] != last or np.any(np.diff(ids) <= 0):
                    raise NotFast("a line was not built or the chunk is out of order")
                yield _split(table, with_parent)
                if count < CHUNK_ROWS:
                    return
                after = last
        except driver_error as error:  # e.g. a SQLite built without JSON functions
            raise NotFast(str(error)) from error
        finally:
            cursor.close()
    finally:
        raw_connection.close()


def _struct_table(column: pa.ChunkedArray) -> pa.Table:
    struct = column.combine_chunks()
    # flatten() folds a NULL document into its fields (a bare .field() would not).
    return pa.Table.from_arrays(struct.flatten(), names=[f.name for f in struct.type])


def _split(table: pa.Table, with_parent: bool) -> tuple[pa.Table, pa.Table, pa.Table | None]:
    base = table.select(["id", "parent_id", *TEXT_SLICES, "synthetic"])
    parent = _struct_table(table["parent_answers"]) if with_parent else None
    return base, _struct_table(table["answers"]), parent
