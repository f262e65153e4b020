"""Responses of one instrument as one typed DataFrame: slice columns plus one column per question.

Fast path (database sources): the database itself writes each response as one line of JSON (slice
columns + the answers document, json_quote / to_json for the text) and concatenates a chunk of
lines into one value (group_concat / string_agg), so a chunk of 200,000 responses crosses into
Python as ONE bytes object instead of 200,000 tuples; pyarrow's JSON reader (C++, multi-threaded)
then parses it with an explicit schema built from the question types (numbers -> float64, dates ->
text then datetime64, choices and text -> str). On the 1,000,000-response benchmark database this
reads the eight frames in ~9 s against ~12-15 s row by row (SQLite building the lines is most of it).

Careful path (always correct, used whenever the fast path cannot be trusted): rows are fetched as
tuples; the `answers` of each chunk is parsed by pyarrow's JSON reader, and a chunk that breaks the
schema (a number stored as text, a list for a select_multiple) falls back to orjson and is coerced
column by column. pyarrow raises on any value whose JSON type differs from the schema, so an odd
value anywhere sends the whole (instrument, repeat) down the careful path: results never depend on
which path ran (tests/engine/test_frames_fast.py compares both, with odd values, on both databases).

A `ResponseSource` hides where rows come from: the database (`DbSource`, the normal case) or a
Parquet export (`ParquetSource`, used by the benchmark to compare with DuckDB on the same file).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine

from monitor.engine import columnar
from monitor.engine.fastread import NotFast, read_chunks
from monitor.framework.models import QuestionType, Survey

SLICE_COLUMNS = (
    "id", "parent_id", "oblast_code", "raion_code", "hromada_code", "wave", "period_date", "submitted_at",
    "synthetic",
)
CHUNK_ROWS = 200_000
log = logging.getLogger(__name__)
NUMERIC_TYPES = {QuestionType.integer.value, QuestionType.decimal.value}


class ResponseSource(Protocol):
    """Where responses come from. `raw` yields pyarrow tables of SLICE_COLUMNS + answers (+ parent_answers)."""

    def raw(self, instrument_id: str, repeat: str | None = None) -> Iterator[pa.Table]: ...

    def territories(self) -> pd.DataFrame: ...

    def fingerprint(self) -> tuple[Any, ...]: ...


# --------------------------------------------------------------------------- sources


def _slice_table(rows: Sequence[Sequence[Any]], with_parent: bool) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(SLICE_COLUMNS) + 1 + with_parent)]
    names = [*SLICE_COLUMNS, "answers"] + (["parent_answers"] if with_parent else [])
    arrays: list[pa.Array] = []
    for name, values in zip(names, columns, strict=True):
        if name in ("id", "parent_id"):
            arrays.append(pa.array(values, type=pa.int64()))
        elif name == "synthetic":
            arrays.append(pa.array([bool(v) for v in values], type=pa.bool_()))
        elif name in ("answers", "parent_answers"):
            # Raw UTF-8 bytes, each document ending in a newline (added by the SELECT): the column's data
            # buffer is then newline-delimited JSON as it is, parsed without another copy.
            arrays.append(pa.array(values, type=pa.binary()))
        else:
            try:  # SQLite gives text already
                arrays.append(pa.array(values, type=pa.string()))
            except (pa.ArrowTypeError, pa.ArrowInvalid):  # PostgreSQL gives date/datetime objects
                arrays.append(pa.array([None if v is None else str(v) for v in values], type=pa.string()))
    return pa.Table.from_arrays(arrays, names=names)


# Literal SQL, bound parameters only. A repeat row takes its parent's slice (territory, wave, dates)
# and sees the parent's answers, all in the same SELECT.
_SQL_SQLITE = (
    "SELECT id, parent_id, oblast_code, raion_code, hromada_code, wave, period_date, submitted_at, synthetic, "
    "CAST(answers || char(10) AS BLOB) FROM response WHERE instrument_id = :instrument AND parent_id IS NULL ORDER BY id"
)
_SQL_PG = (
    "SELECT id, parent_id, oblast_code, raion_code, hromada_code, wave, period_date, submitted_at, synthetic, "
    "convert_to(answers::text || chr(10), 'UTF8') FROM response "
    "WHERE instrument_id = %(instrument)s AND parent_id IS NULL ORDER BY id"
)
_SQL_REPEAT_SQLITE = (
    "SELECT c.id, c.parent_id, p.oblast_code, p.raion_code, p.hromada_code, p.wave, p.period_date, "
    "p.submitted_at, p.synthetic, CAST(c.answers || char(10) AS BLOB), CAST(p.answers || char(10) AS BLOB) "
    "FROM response c JOIN response p ON p.id = c.parent_id "
    "WHERE c.instrument_id = :instrument AND c.repeat = :repeat ORDER BY c.id"
)
_SQL_REPEAT_PG = (
    "SELECT c.id, c.parent_id, p.oblast_code, p.raion_code, p.hromada_code, p.wave, p.period_date, "
    "p.submitted_at, p.synthetic, convert_to(c.answers::text || chr(10), 'UTF8'), "
    "convert_to(p.answers::text || chr(10), 'UTF8') FROM response c "
    "JOIN response p ON p.id = c.parent_id "
    "WHERE c.instrument_id = %(instrument)s AND c.repeat = %(repeat)s ORDER BY c.id"
)


# The state of the responses in the database, from one cheap query (the result cache keys on it;
# see monitor.engine.cache). Here, beside DbSource, so that the cache imports frames and not back.
_FINGERPRINT_SQL = sql_text(
    "SELECT (SELECT max(id) FROM response), (SELECT count(*) FROM importbatch), (SELECT max(id) FROM importbatch), "
    "(SELECT sum(accepted) FROM importbatch), (SELECT max(imported_at) FROM importbatch), "
    "(SELECT count(*) FROM territory), (SELECT max(id) FROM territory)"
)


def database_identity(engine: Engine) -> str:
    """Which database this is, the same however its URL was spelt.

    A SQLite file named by a relative path (`sqlite:///data/monitor.db`, as `monitor demo` run from the
    project folder names it) and by its absolute path is one database: the stored results and the
    protected set built by one command must be found by the next. The password never appears
    (SQLAlchemy masks it in `str(url)`).
    """
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return f"sqlite:{os.path.realpath(url.database)}"
    return str(url)


def db_fingerprint(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as connection:
        row = connection.execute(_FINGERPRINT_SQL).one()
    return (database_identity(engine), *(str(v) for v in row))


@dataclass
class DbSource:
    """Responses straight from the store (SQLite or PostgreSQL)."""

    engine: Engine
    _territories: pd.DataFrame | None = field(default=None, repr=False)

    def _sql(self, repeat: str | None) -> str:
        postgres = self.engine.dialect.name == "postgresql"
        if repeat is None:
            return _SQL_PG if postgres else _SQL_SQLITE
        return _SQL_REPEAT_PG if postgres else _SQL_REPEAT_SQLITE

    def raw(self, instrument_id: str, repeat: str | None = None) -> Iterator[pa.Table]:
        params = {"instrument": instrument_id, "repeat": repeat}
        if repeat is None:
            params.pop("repeat")
        raw_connection = self.engine.raw_connection()
        try:
            cursor = raw_connection.cursor()
            cursor.execute(self._sql(repeat), params)
            while rows := cursor.fetchmany(CHUNK_ROWS):
                yield _slice_table(rows, with_parent=repeat is not None)
            cursor.close()
        finally:
            raw_connection.close()

    def territories(self) -> pd.DataFrame:
        if self._territories is None:
            from monitor.store.territory import territories

            self._territories = territories(self.engine)
        return self._territories

    def fingerprint(self) -> tuple[Any, ...]:
        return db_fingerprint(self.engine)


@dataclass
class ParquetSource:
    """Responses exported to one Parquet file (same columns as the response table; answers as JSON text)."""

    path: Path
    territory_table: pd.DataFrame

    def raw(self, instrument_id: str, repeat: str | None = None) -> Iterator[pa.Table]:
        import pyarrow.parquet as pq

        # A file laid out by instrument (bench/bench_engine.py writes it so) is read only where the
        # instrument is: the filter skips other row groups by their statistics.
        table = pq.read_table(self.path, filters=[("instrument_id", "=", instrument_id)])
        if repeat is None:
            if table["parent_id"].null_count != len(table):  # an instrument without repeats needs no copy
                table = table.filter(pc.is_null(table["parent_id"]))
            ids = table["id"].to_numpy()
            if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):  # rows in id order, as from the database
                table = table.take(np.argsort(ids, kind="stable"))
            yield table.select([*SLICE_COLUMNS, "answers"])
            return
        children = table.filter(pc.equal(table["repeat"], repeat))
        parents = table.filter(pc.is_null(table["parent_id"]))
        # Each child takes its parent's slice and answers, looked up by id (an inner join, in the
        # children's id order, without a hash join: cheaper, and the order is kept).
        children = children.take(np.argsort(children["id"].to_numpy(), kind="stable"))
        parent_ids = parents["id"].to_numpy()
        order = np.argsort(parent_ids, kind="stable")
        wanted = children["parent_id"].to_numpy(zero_copy_only=False)
        position = np.minimum(np.searchsorted(parent_ids[order], wanted), max(len(order) - 1, 0))
        found = (parent_ids[order][position] == wanted) if len(order) else np.zeros(len(wanted), dtype=bool)
        children = children.filter(pa.array(found))
        rows = parents.take(order[position[found]])
        columns = [children["id"], children["parent_id"]]
        columns += [rows[name] for name in SLICE_COLUMNS[2:]]
        columns += [children["answers"], rows["answers"]]
        yield pa.Table.from_arrays(columns, names=[*SLICE_COLUMNS, "answers", "parent_answers"])

    def territories(self) -> pd.DataFrame:
        return self.territory_table

    def fingerprint(self) -> tuple[Any, ...]:
        stat = self.path.stat()
        return ("parquet", str(self.path), stat.st_size, stat.st_mtime_ns)


def source_of(engine_or_source: Engine | ResponseSource) -> ResponseSource:
    if isinstance(engine_or_source, Engine):
        return DbSource(engine_or_source)
    return engine_or_source


# --------------------------------------------------------------------------- answers


def question_types(survey: Survey, repeat: str | None = None) -> dict[str, str]:
    """Question name -> type for the columns of a frame (a repeat frame sees parent and child questions)."""
    types = {q.name: q.type for q in survey.questions if q.type != QuestionType.repeat.value}
    if repeat is not None:
        for q in survey.questions:
            if q.name == repeat:
                types.update({c.name: c.type for c in q.questions})
    return {name: str(kind) for name, kind in types.items()}


def _arrow_schema(types: dict[str, str]) -> pa.Schema:
    return pa.schema(
        [pa.field(name, pa.float64() if kind in NUMERIC_TYPES else pa.string()) for name, kind in types.items()]
    )


def _documents(texts: pa.Array) -> pa.Buffer | None:
    """The data buffer holding a text/binary array's values back to back (None when some are missing)."""
    if texts.null_count or len(texts) == 0:
        return None
    kind = texts.type
    width: type[np.signedinteger[Any]]
    if pa.types.is_binary(kind) or pa.types.is_string(kind):
        width = np.int32
    elif pa.types.is_large_binary(kind) or pa.types.is_large_string(kind):
        width = np.int64
    else:
        return None
    offsets = np.frombuffer(texts.buffers()[1], dtype=width)[texts.offset : texts.offset + len(texts) + 1]
    return texts.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


def _parse_fast(texts: pa.Array, schema: pa.Schema) -> pa.Table:
    """Parse the documents as one stream. With newlines_in_values the reader splits its blocks by parsing,
    so documents need no separator (a Parquet string column is parsed where it lies, without a copy) and
    may span lines; exactly one row per document is checked, anything else takes the careful path."""
    if len(texts) == 0:
        return pa.table({f.name: pa.array([], type=f.type) for f in schema})
    buffer = _documents(texts)
    if buffer is None:
        raise pa.ArrowInvalid("missing documents")
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore", newlines_in_values=True)
    read = pa_json.ReadOptions(block_size=1 << 22)
    table = pa_json.read_json(pa.BufferReader(buffer), read_options=read, parse_options=options)
    if table.num_rows != len(texts):  # an empty or non-object document: take the careful path
        raise pa.ArrowInvalid("row count changed")
    return table.select([f.name for f in schema])


def _coerce_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in NUMERIC_TYPES:
        if isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def _parse_slow(texts: pa.Array, schema: pa.Schema) -> pa.Table:
    kinds = {f.name: ("decimal" if pa.types.is_floating(f.type) else "text") for f in schema}
    columns: dict[str, list[Any]] = {name: [] for name in kinds}
    for text in texts.to_pylist():
        doc = orjson.loads(text) if text and text.strip() else {}
        for name, kind in kinds.items():
            columns[name].append(_coerce_value(doc.get(name), kind))
    return pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in schema})


def parse_answers(texts: pa.Array, types: dict[str, str], *, fast: bool = True) -> pa.Table:
    """Typed answer columns from JSON documents; fast=False always takes the orjson path."""
    schema = _arrow_schema(types)
    if fast:
        try:
            return _parse_fast(texts, schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    return _parse_slow(texts, schema)


def _parse_column(column: pa.ChunkedArray | pa.Array, types: dict[str, str], fast: bool) -> pa.Table:
    """parse_answers chunk by chunk: each chunk's documents lie in one buffer already (no concatenating copy)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    tables = [parse_answers(chunk, types, fast=fast) for chunk in chunks if len(chunk)]
    if not tables:
        return parse_answers(pa.array([], type=pa.binary()), types, fast=fast)
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


def _merge(
    base: pa.Table, answers: pa.Table, parent: pa.Table | None, types: dict[str, str], child_names: set[str]
) -> pa.Table:
    """Slice columns + answer columns; for repeats, the child's answers win over the parent's."""
    if parent is not None:
        merged = []
        for name in types:
            own, inherited = answers[name], parent[name]
            # Child names win; a child row without the answer falls back to the parent's value.
            merged.append(own if name in child_names else pc.coalesce(own, inherited))
        answers = pa.Table.from_arrays(merged, names=list(types))
    for name in answers.column_names:
        if name in base.column_names:
            continue  # a question named like a slice column never shadows the typed column
        base = base.append_column(name, answers[name])
    return base


def _to_frame(parts: list[pa.Table], types: dict[str, str]) -> pd.DataFrame:
    if parts:
        table = pa.concat_tables(parts)
    else:
        empty = [pa.array([], type=pa.int64())] * 2 + [pa.array([], type=pa.string())] * 6 + [pa.array([], pa.bool_())]
        table = pa.Table.from_arrays(empty, names=list(SLICE_COLUMNS))
        for f in _arrow_schema(types):
            if f.name not in table.column_names:
                table = table.append_column(f.name, pa.array([], type=f.type))
    dates = ["period_date", "submitted_at"]
    dates += [name for name, kind in types.items() if kind == QuestionType.date.value and name not in SLICE_COLUMNS]
    parsed = set()
    for name in dates:
        if name in table.column_names and (stamps := _arrow_datetimes(table[name])) is not None:
            table = table.set_column(table.column_names.index(name), name, stamps)
            parsed.add(name)
    frame = table.to_pandas()
    for name in ("period_date", "submitted_at"):
        if name not in parsed:
            frame[name] = pd.to_datetime(frame[name], errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
    for name, kind in types.items():
        if kind == QuestionType.date.value and name in frame and name not in parsed:
            frame[name] = pd.to_datetime(frame[name], errors="coerce", format="ISO8601")
    frame["synthetic"] = frame["synthetic"].astype(bool)
    return frame


# Naive ISO dates and times with a valid clock; anything else (offsets, 'Z', other shapes) goes to pandas.
_ISO_NAIVE = r"^[1-9]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[ T](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?)?$"


def _arrow_datetimes(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """Text dates parsed by Arrow (C++, no per-value Python), or None to let pandas parse them.

    Only where the outcome is the one pandas.to_datetime(format="ISO8601", errors="coerce") gives:
    every present value a naive ISO date/time (so utc=True changes nothing) that Arrow accepts (it
    refuses 2021-02-30, where pandas would give NaT: then pandas does it), at least one present
    (pandas gives datetime64[s] for an all-missing column, [us] otherwise).
    """
    if not pa.types.is_string(column.type) or column.null_count == len(column):
        return None
    if not pc.all(pc.match_substring_regex(column, _ISO_NAIVE)).as_py():
        return None
    try:
        return column.cast(pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _child_names(survey: Survey, repeat: str | None, types: dict[str, str]) -> set[str]:
    return set(question_types(survey, None)) ^ set(types) if repeat else set()


def expand(tables: Iterator[pa.Table], survey: Survey, repeat: str | None = None, *, fast: bool = True) -> pd.DataFrame:
    """Slice columns + typed answer columns from raw chunks (the careful path)."""
    types = question_types(survey, repeat)
    child_names = _child_names(survey, repeat, types)
    parts: list[pa.Table] = []
    for chunk in tables:
        answers = _parse_column(chunk["answers"], types, fast)
        parent = None
        if repeat is not None and "parent_answers" in chunk.column_names:
            parent = _parse_column(chunk["parent_answers"], types, fast)
        parts.append(_merge(chunk.select(list(SLICE_COLUMNS)), answers, parent, types, child_names))
    return _to_frame(parts, types)


def expand_lines(engine: Engine, survey: Survey, repeat: str | None = None) -> pd.DataFrame:
    """The same frame as expand(), read as JSON lines built by the database (fastread); raises NotFast."""
    types = question_types(survey, repeat)
    child_names = _child_names(survey, repeat, types)
    parts = [
        _merge(base, answers, parent, types, child_names)
        for base, answers, parent in read_chunks(engine, survey.id, repeat, _arrow_schema(types))
    ]
    return _to_frame(parts, types)


def read_documents(source: ResponseSource, survey: Survey, repeat: str | None = None, *, fast: bool = True) -> pd.DataFrame:
    """A frame parsed from the answer documents: JSON lines from the database when it can vouch for
    them, else the careful path."""
    if fast and isinstance(source, DbSource):
        try:
            return expand_lines(source.engine, survey, repeat)
        except NotFast:
            pass
    return expand(source.raw(survey.id, repeat), survey, repeat, fast=fast)


def read_frame(source: ResponseSource, survey: Survey, repeat: str | None = None, *, fast: bool = True) -> pd.DataFrame:
    """A fresh frame: the columnar copy when one was written at the database's present state, else the
    documents (and then a copy for the next reader). fast=False always parses the documents."""
    if not (fast and isinstance(source, DbSource) and columnar.enabled()):
        return read_documents(source, survey, repeat, fast=fast)
    folder = columnar.engine_folder(source.engine)
    if folder is None:
        return read_documents(source, survey, repeat)
    fingerprint = source.fingerprint()
    path = columnar.copy_path(folder, str(fingerprint[0]), survey, repeat)
    frame = columnar.read_copy(path, fingerprint)
    if frame is None:
        frame = read_documents(source, survey, repeat)
        _store_copy(source, path, fingerprint, frame)
    return frame


def _store_copy(source: DbSource, path: Path, fingerprint: tuple[Any, ...], frame: pd.DataFrame) -> bool:
    # Written only when no import committed while the documents were read: a copy never carries a
    # state its rows do not belong to. A folder that cannot be written costs speed, never a result.
    if source.fingerprint() != fingerprint:
        return False
    try:
        columnar.write_copy(path, fingerprint, frame)
    except OSError as error:
        log.warning("columnar copy not written to %s: %s", path, error)
        return False
    return True


def repeats_of(survey: Survey) -> list[str | None]:
    """The frames an instrument has: its own rows, then one per repeat group."""
    return [None, *(q.name for q in survey.questions if q.type == QuestionType.repeat.value)]


def rebuild_copies(engine: Engine, surveys: Sequence[Survey]) -> tuple[Path | None, list[Path]]:
    """Every columnar copy of this database deleted and written again from the documents (`monitor
    columnar rebuild`); returns the copies' folder (None: the database has none) and the files written."""
    folder = columnar.engine_folder(engine)
    if folder is None:
        return None, []
    for old in columnar.copies_of(folder, database_identity(engine)):
        old.unlink()  # only this database's: another database may share the folder
    return folder / columnar.SUBFOLDER, refresh_copies(engine, surveys)


def refresh_copies(engine: Engine, surveys: Sequence[Survey]) -> list[Path]:
    """Write the columnar copy of each survey's frames from the documents (after an import, or to
    rebuild); return the files written. Copies already current are kept; nothing is written when the
    database has no engine folder."""
    folder = columnar.engine_folder(engine)
    if folder is None or not columnar.enabled():
        return []
    source = DbSource(engine)
    columnar.remove_leftovers(folder)
    written = []
    for survey in surveys:
        for repeat in repeats_of(survey):
            fingerprint = source.fingerprint()
            path = columnar.copy_path(folder, str(fingerprint[0]), survey, repeat)
            if columnar.is_current(path, fingerprint):
                continue  # nothing changed since it was written (an import that added nothing)
            if _store_copy(source, path, fingerprint, read_documents(source, survey, repeat)):
                written.append(path)
    return written


# Frames of the last few (database state, survey, repeat): switching level or period on the dashboard,
# or computing every level in a row, parses the answers once. Keyed by the source's fingerprint, so
# any import makes a fresh read. Callers get a shallow copy: adding columns never touches the cache.
# Each frame carries a memo (FrameMemo) for whatever callers derive from it alone (compute keeps the
# indicators' row values and the territory/period codes there); it lives and dies with the frame.
MAX_FRAMES = 12
Derived = TypeVar("Derived")


class FrameMemo:
    """What callers derived from one cached frame, by key: built once, reused while the frame lives.

    Keys are tuples naming what was derived (e.g. ("territory", "oblast")); `get` returns the type its
    builder returns, so a caller reads back what it stored without a cast of its own.
    """

    def __init__(self) -> None:
        self._values: dict[tuple[Hashable, ...], object] = {}

    def get(self, key: tuple[Hashable, ...], build: Callable[[], Derived]) -> Derived:
        if key not in self._values:
            self._values[key] = build()
        return cast(Derived, self._values[key])  # stored by a builder of this key, so of its type

    def __contains__(self, key: tuple[Hashable, ...]) -> bool:
        return key in self._values

    def put(self, key: tuple[Hashable, ...], value: object) -> None:
        self._values[key] = value

    def value(self, key: tuple[Hashable, ...]) -> object:
        return self._values[key]


_FRAMES: OrderedDict[tuple[Any, ...], tuple[pd.DataFrame, FrameMemo]] = OrderedDict()
# compute() reads the next frame in a background thread and the dashboard runs scripts in threads:
# the cache's bookkeeping is done under a lock (reading a frame is not, so two reads can overlap).
_LOCK = threading.Lock()


def clear_frames() -> None:
    with _LOCK:
        _FRAMES.clear()


def load_frame_memo(
    engine: Engine | ResponseSource, survey: Survey, repeat: str | None = None, *, reuse: bool = True,
    fast: bool = True,
) -> tuple[pd.DataFrame, FrameMemo]:
    """load_frame plus the memo attached to the cached frame (a fresh one when reuse=False)."""
    source = source_of(engine)
    if not reuse:
        return read_frame(source, survey, repeat, fast=fast), FrameMemo()
    key = (source.fingerprint(), survey.id, repeat, columnar.definition_hash(survey), fast)
    with _LOCK:
        entry = _FRAMES.get(key)
        if entry is not None:
            _FRAMES.move_to_end(key)
    if entry is None:
        built = (read_frame(source, survey, repeat, fast=fast), FrameMemo())
        with _LOCK:
            entry = _FRAMES.setdefault(key, built)  # a frame another thread stored first wins
            _FRAMES.move_to_end(key)
            while len(_FRAMES) > MAX_FRAMES:
                _FRAMES.popitem(last=False)
    frame, memo = entry
    return frame.copy(deep=False), memo


def load_frame(
    engine: Engine | ResponseSource, survey: Survey, repeat: str | None = None, *, reuse: bool = True,
    fast: bool = True,
) -> pd.DataFrame:
    """All responses of `survey` (or the rows of one of its repeats) as a typed DataFrame.

    fast=False reads row by row and parses every document with orjson (the reference the fast
    paths are tested against); the frame is the same either way.
    """
    return load_frame_memo(engine, survey, repeat, reuse=reuse, fast=fast)[0]
