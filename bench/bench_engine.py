"""Engine benchmark: every indicator at every level from the SQLite file, against DuckDB on the same file.

    .venv/bin/python bench/bench_engine.py [--rows 100000 1000000] [--repeats 3] [--period quarter]

1. Generates N synthetic responses for the real framework's surveys over the four oblasts and 8
   quarters (2021-Q1..2022-Q4), vectorised, bulk-inserted into a SQLite file cached in bench/.data/
   (status-procedure gets 3 repeat rows per body answer, so repeats are exercised too).
2. Jobs, each in a fresh process (bench/harness.py), interleaved, `--repeats` rounds, min and median:
   - engine-sqlite: monitor.engine.compute at the four levels on the SQLite file (the production path);
   - duckdb-sqlite: the reference a competent engineer writes: ADBC's SQLite driver -> Arrow -> DuckDB,
     the indicators' expressions translated to SQL (AST -> SQL, below), one GROUPING SETS query per
     indicator and level (total + each disaggregation), with the same statistics (n, numerator, value,
     Wilson or t interval, median with two order-statistic quantiles). working-days() is approximated
     in SQL (weekdays without the holiday list): a timing reference, not a correctness one —
     correctness is tests/engine/test_sql_check.py.
3. Peak memory: each child's own VmHWM. The load average before and after every run is recorded.
Writes bench/results/engine.json and prints a summary.
"""

# ruff: noqa: S608 - the DuckDB reference builds SQL from the framework's own definitions (no user input)
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.append(str(ROOT / "bench" / ".deps"))
# DuckDB's own scanners for PostgreSQL (and SQLite) are run-time downloads for DuckDB 2.x; PyPI has them as
# wheels for DuckDB 1.5, installed beside the bench (git-ignored) and put first on the path of the
# children that use them only, so the venv keeps its DuckDB.
DUCKDB_SCANNERS = ROOT / "bench" / ".deps" / "duckdb-1.5"
SCANNERS_INSTALL = ("pip install --target bench/.deps/duckdb-1.5 duckdb==1.5.5 "
                    "duckdb-extension-postgres-scanner==1.5.5")

from harness import emit, header, interleaved, load, summary  # noqa: E402

from monitor import expr  # noqa: E402
from monitor.engine import clear_cache, compute, compute_cached  # noqa: E402
from monitor.engine.compute import LEVELS  # noqa: E402
from monitor.framework.loader import framework_or_raise  # noqa: E402
from monitor.framework.models import Framework, QuestionType, Survey  # noqa: E402

START = np.datetime64("2021-01-01")
DAYS = 730  # 8 quarters
REPEAT_ROWS = 3


# --------------------------------------------------------------------------- data


def _fragments(survey: Survey, questions: list, n: int, rng: np.random.Generator, where: dict[str, np.ndarray],
               dates: np.ndarray) -> pd.Series:
    """JSON text of n answer documents, built column by column (no per-row Python)."""
    doc = pd.Series([""] * n, dtype="str")
    for q in questions:
        kind = str(q.type)
        if kind in ("text", "repeat") or q.personal:
            continue
        missing = rng.random(n) < 0.08
        if kind == "territory":
            values = where.get(str(q.level))
            if values is None:
                continue
            frag = pd.Series(values, dtype="str")
            frag = '"' + q.name + '":"' + frag + '",'
            frag = frag.where(frag.notna(), "")
        elif kind == "select_one":
            codes = np.array([c.value for c in survey.choices_of(q)] or ["x"])
            frag = pd.Series(f'"{q.name}":"' + codes[rng.integers(0, len(codes), n)] + '",', dtype="str")
        elif kind == "select_multiple":
            codes = [c.value for c in survey.choices_of(q)] or ["x"]
            text = pd.Series([""] * n, dtype="str")
            for code in codes:
                text = text + pd.Series(np.where(rng.random(n) < 0.4, code + " ", ""), dtype="str")
            frag = '"' + q.name + '":"' + text.str.strip() + '",'
        elif kind == "integer":
            frag = pd.Series(f'"{q.name}":' + rng.integers(0, 30, n).astype(str) + ",", dtype="str")
        elif kind == "decimal":
            frag = pd.Series(f'"{q.name}":' + np.round(rng.uniform(0, 20000, n), 2).astype(str) + ",", dtype="str")
        elif kind == "date":
            shifted = (dates + rng.integers(0, 40, n).astype("timedelta64[D]")).astype(str)
            frag = pd.Series(f'"{q.name}":"' + shifted + '",', dtype="str")
        else:
            continue
        doc = doc + frag.where(~missing, "")
    return "{" + doc.str.rstrip(",") + "}"


def generate(path: Path, rows: int, seed: int) -> None:
    from monitor.store import db as store_db
    from monitor.store.territory import load_reference, territories

    framework = framework_or_raise(ROOT)
    url = f"sqlite:///{path}"
    engine = store_db.connect(url)
    load_reference(engine)
    units = territories(engine)
    hromadas = units[units["level"] == "hromada"].reset_index(drop=True)
    raions = units[units["level"] == "raion"].reset_index(drop=True)
    oblasts = units[units["level"] == "oblast"].reset_index(drop=True)
    engine.dispose()
    rng = np.random.default_rng(seed)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    surveys = list(framework.surveys.values())
    per_survey = rows // len(surveys)
    next_id = 1
    for number, survey in enumerate(surveys, start=1):
        connection.execute(
            "INSERT INTO instrument (id, definition_hash, title_uk, title_en, respondent, definition, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (survey.id, "bench", survey.title.uk, survey.title.en, str(survey.respondent), "{}", "2024-01-01 00:00:00"),
        )
        repeats = survey.repeats()
        parents = per_survey // (1 + REPEAT_ROWS) if repeats else per_survey
        connection.execute(
            "INSERT INTO importbatch (id, instrument_id, file_name, sha256, format, rows, accepted, rejected, duplicates, "
            "consent_refused, dropped_columns, warnings, imported_by, imported_at, synthetic) "
            "VALUES (?, ?, 'bench', ?, 'bench', ?, ?, 0, 0, 0, '[]', '[]', 'bench', '2024-01-01 00:00:00', 1)",
            (number, survey.id, f"bench{number}", per_survey, per_survey),
        )
        level = str(survey.territory_level)
        if level == "hromada":
            pick = hromadas.iloc[rng.integers(0, len(hromadas), parents)]
            where = {"hromada": pick["code"].to_numpy(), "raion": pick["raion_code"].to_numpy(),
                     "oblast": pick["oblast_code"].to_numpy()}
        elif level == "raion":
            pick = raions.iloc[rng.integers(0, len(raions), parents)]
            where = {"hromada": np.full(parents, None), "raion": pick["code"].to_numpy(),
                     "oblast": pick["oblast_code"].to_numpy()}
        else:
            pick = oblasts.iloc[rng.integers(0, len(oblasts), parents)]
            where = {"hromada": np.full(parents, None), "raion": np.full(parents, None),
                     "oblast": pick["code"].to_numpy()}
        dates = START + rng.integers(0, DAYS, parents).astype("timedelta64[D]")
        answers = _fragments(survey, survey.questions, parents, rng, where, dates)
        ids = np.arange(next_id, next_id + parents)
        next_id += parents
        date_text = dates.astype(str)
        waves = pd.Series(date_text).str[:4].to_numpy()
        connection.executemany(
            "INSERT INTO response (id, instrument_id, batch_id, parent_id, repeat, external_id, content_hash, "
            "oblast_code, raion_code, hromada_code, wave, period_date, submitted_at, synthetic, answers) "
            "VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
            zip(ids.tolist(), [survey.id] * parents, [number] * parents, map(str, ids.tolist()), map(str, ids.tolist()),
                where["oblast"].tolist(), where["raion"].tolist(), where["hromada"].tolist(), waves.tolist(),
                date_text.tolist(), [d + " 12:00:00" for d in date_text.tolist()], answers.tolist(), strict=True),
        )
        for repeat in repeats:
            children = parents * REPEAT_ROWS
            parent_index = np.repeat(np.arange(parents), REPEAT_ROWS)
            child_answers = _fragments(survey, repeat.questions, children, rng, {}, dates[parent_index])
            child_ids = np.arange(next_id, next_id + children)
            next_id += children
            connection.executemany(
                "INSERT INTO response (id, instrument_id, batch_id, parent_id, repeat, external_id, content_hash, "
                "oblast_code, raion_code, hromada_code, wave, period_date, submitted_at, synthetic, answers) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                zip(child_ids.tolist(), [survey.id] * children, [number] * children, ids[parent_index].tolist(),
                    [repeat.name] * children, map(str, child_ids.tolist()), map(str, child_ids.tolist()),
                    where["oblast"][parent_index].tolist(), where["raion"][parent_index].tolist(),
                    where["hromada"][parent_index].tolist(), waves[parent_index].tolist(),
                    date_text[parent_index].tolist(), [None] * children, child_answers.tolist(), strict=True),
            )
        connection.commit()
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()


# --------------------------------------------------------------------------- DuckDB reference


class SqlOf:
    """Translate an expression tree to DuckDB SQL over a table of typed answer columns."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params

    def __call__(self, node: expr.Node) -> str:
        if isinstance(node, expr.Number):
            return repr(float(node.value))
        if isinstance(node, expr.String):
            return "'" + node.value.replace("'", "''") + "'"
        if isinstance(node, expr.Boolean):
            return "TRUE" if node.value else "FALSE"
        if isinstance(node, expr.Name):
            return f'"{node.name}"'
        if isinstance(node, expr.Neg):
            return f"(-{self(node.operand)})"
        if isinstance(node, expr.Not):
            return f"(NOT {self(node.operand)})"
        if isinstance(node, expr.Arith):
            op = {"div": "/", "mod": "%"}.get(node.op, node.op)
            if op == "/":
                return f"({self(node.left)} / NULLIF({self(node.right)}, 0))"
            return f"({self(node.left)} {op} {self(node.right)})"
        if isinstance(node, expr.Compare):
            op = {"==": "="}.get(node.op, node.op)
            return f"({self(node.left)} {op} {self(node.right)})"
        if isinstance(node, expr.In):
            options = ", ".join(self(o) for o in node.options)
            return f"({self(node.operand)} {'NOT ' if node.negated else ''}IN ({options}))"
        if isinstance(node, expr.Logic):
            return f"({self(node.left)} {node.op.upper()} {self(node.right)})"
        if isinstance(node, expr.Call):
            args = [self(a) for a in node.args]
            f = node.func
            if f == "selected":
                return f"list_contains(string_split({args[0]}, ' '), {args[1]})"
            if f == "count-selected":
                return f"len(string_split({args[0]}, ' '))"
            if f == "param":
                value = self.params[node.args[0].value]  # type: ignore[attr-defined]
                return repr(float(value)) if isinstance(value, int | float) else "'" + str(value) + "'"
            if f == "days":
                return f"date_diff('day', {args[0]}, {args[1]})"
            if f == "working-days":
                return f"(date_diff('day', {args[0]}, {args[1]}) - 2 * date_diff('week', {args[0]}, {args[1]}))"
            if f == "coalesce":
                return f"coalesce({', '.join(args)})"
            if f == "is-empty":
                return f"({args[0]} IS NULL)"
            if f == "not-empty":
                return f"({args[0]} IS NOT NULL)"
            if f == "if":
                return f"(CASE WHEN {args[0]} THEN {args[1]} ELSE {args[2]} END)"
            if f in ("min", "max"):
                return f"{'least' if f == 'min' else 'greatest'}({', '.join(args)})"
            if f == "round":
                return f"round({', '.join(args)})"
            if f in ("true", "false"):
                return f.upper()
            if f == "step-status":  # calendar days from start (Procedure 417), monitor.deadlines.verdicts
                start, end, as_of = (f"TRY_CAST({a} AS DATE)" for a in args[:3])
                return self.verdict(end, as_of, f"({start} + CAST({args[3]} AS INTEGER))")
            if f == "request-status":
                return self.request_status(args)
            if f == "subsistence-minimum":
                return self.subsistence(args[0], f"TRY_CAST({args[1]} AS DATE)")
        raise NotImplementedError(f"{type(node).__name__} {getattr(node, 'func', '')}")

    @staticmethod
    def verdict(end: str, as_of: str, deadline: str) -> str:
        """on_time / late / pending / NULL, as monitor.deadlines.verdicts decides them."""
        return (f"(CASE WHEN {deadline} IS NULL THEN NULL "
                f"WHEN {end} IS NOT NULL THEN CASE WHEN {end} <= {deadline} THEN 'on_time' ELSE 'late' END "
                f"WHEN {as_of} IS NULL THEN NULL WHEN {as_of} > {deadline} THEN 'late' ELSE 'pending' END)")

    def request_status(self, args: list[str]) -> str:
        """The term of Law No. 2939-VI art. 20 from receipt: N working days (2N with an extension notice),
        48 hours on dates when urgent. Working days are approximated as working-days() is here (N
        weekdays ~ ceil(7N/5) calendar days, no holiday list): a timing reference, not a correctness one."""
        received, answered, as_of = (f"TRY_CAST({a} AS DATE)" for a in args[:3])
        urgent, notice = args[3], f"TRY_CAST({args[4]} AS DATE)"
        days, extended, hours = args[5:8]
        span = (f"(CASE WHEN coalesce({urgent}, FALSE) THEN CAST(ceil({hours} / 24.0) AS INTEGER) "
                f"WHEN {notice} IS NOT NULL THEN CAST(ceil({extended} * 7 / 5.0) AS INTEGER) "
                f"ELSE CAST(ceil({days} * 7 / 5.0) AS INTEGER) END)")
        return self.verdict(answered, as_of, f"({received} + {span})")

    def subsistence(self, category: str, day: str) -> str:
        """The minimum in force for (category, day) from data/reference's table, as a CASE (valid_to inclusive)."""
        from monitor.subsistence import load_table

        table = load_table(ROOT / "data" / "reference" / "subsistence_minimum.csv")
        cases = " ".join(
            f"WHEN {category} = '{c}' AND {day} BETWEEN DATE '{start}' AND DATE '{end}' THEN {amount!r}"
            for c, start, end, amount in table.rows
        )
        return f"(CASE {cases} ELSE NULL END)"


def _duck_type(kind: str) -> str:
    return "DOUBLE" if kind in ("integer", "decimal") else "VARCHAR"


def _adbc_reader(db: Path, con: Any) -> Any:
    """DuckDB's input from the SQLite file itself: ADBC's SQLite driver → Arrow → DuckDB, zero-copy.

    DuckDB's own sqlite extension cannot be loaded here (a download, and PyPI's extension wheels are
    for DuckDB 1.5, the venv has 2.x); ADBC is the other offline route the issue names. Each
    instrument's parent rows and each repeat's rows are read once with their own query (ADBC infers
    a column's type from its first rows, so parents and children, which differ in parent_id, are
    never mixed). The JSON documents are parsed by DuckDB (json_transform), inside the timed part.
    """
    import adbc_driver_sqlite.dbapi as adbc

    reader = adbc.connect(str(db))
    seen: dict[tuple[str, str | None], str] = {}

    def relation(instrument: str, repeat: str | None) -> str:
        key = (instrument, repeat)
        if key not in seen:
            cursor = reader.cursor()
            if repeat is None:
                cursor.execute("SELECT id, oblast_code, raion_code, hromada_code, period_date, wave, answers "
                               "FROM response WHERE instrument_id = ? AND parent_id IS NULL", (instrument,))
            else:
                cursor.execute("SELECT parent_id, answers FROM response WHERE instrument_id = ? AND repeat = ?",
                               (instrument, repeat))
            name = f"src{len(seen)}"
            con.register(name, cursor.fetch_arrow_table())
            cursor.close()
            seen[key] = name
        return seen[key]

    return relation


def _scanner_reader(pg_url: str, con: Any) -> Any:
    """DuckDB's input from PostgreSQL itself: the postgres_scanner extension (DuckDB 1.5's wheel, see
    DUCKDB_SCANNERS) reads the response table over the wire in binary COPY, as DuckDB would in production;
    the JSON documents are parsed by DuckDB (json_transform), inside the timed part."""
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    con.execute(f"LOAD '{_extension('postgres_scanner')}'")
    con.execute(f"ATTACH 'host={url.host} port={url.port} user={url.username} dbname={url.database}' AS pg "
                "(TYPE postgres, READ_ONLY)")
    seen: dict[tuple[str, str | None], str] = {}

    def relation(instrument: str, repeat: str | None) -> str:
        key = (instrument, repeat)
        if key not in seen:
            name = f"src{len(seen)}"
            if repeat is None:
                con.execute(f"CREATE TEMP TABLE {name} AS SELECT id, oblast_code, raion_code, hromada_code, "
                            "period_date, wave, CAST(answers AS VARCHAR) AS answers FROM pg.public.response "
                            f"WHERE instrument_id = '{instrument}' AND parent_id IS NULL")
            else:
                con.execute(f"CREATE TEMP TABLE {name} AS SELECT parent_id, CAST(answers AS VARCHAR) AS answers "
                            f"FROM pg.public.response WHERE instrument_id = '{instrument}' AND repeat = '{repeat}'")
            seen[key] = name
        return seen[key]

    return relation


def _extension(name: str) -> str:
    found = sorted(DUCKDB_SCANNERS.glob(f"duckdb_extension_{name}/extensions/*/{name}.duckdb_extension"))
    if not found:
        raise SystemExit(f"the {name} extension is not in {DUCKDB_SCANNERS}: {SCANNERS_INSTALL}")
    return str(found[-1])


def duckdb_reference(db: Path | str, framework: Framework, period: str, population: pd.DataFrame,
                     reader: Any = None) -> dict[str, float]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    to_sql = SqlOf(framework.param_values())
    con.register("population_frame", population)
    started = time.perf_counter()
    relation = (reader or _adbc_reader)(db, con)
    con.execute("CREATE TEMP TABLE pop AS SELECT * FROM population_frame")
    tables: dict[tuple[str, str | None], str] = {}
    period_sql = {
        "year": "strftime(period_date, '%Y')",
        "half": "strftime(period_date, '%Y') || '-H' || CASE WHEN month(period_date) <= 6 THEN 1 ELSE 2 END",
        "quarter": "strftime(period_date, '%Y') || '-Q' || quarter(period_date)",
        "wave": "wave",
    }[period]
    for indicator in framework.indicators.values():
        if indicator.type == "index" or (indicator.survey, indicator.repeat) in tables:
            continue
        survey = framework.surveys[indicator.survey or ""]
        parent_q = {q.name: str(q.type) for q in survey.questions if q.type != QuestionType.repeat}
        child_q = {}
        if indicator.repeat:
            child_q = {q.name: str(q.type) for r in survey.repeats() if r.name == indicator.repeat for q in r.questions}
        name = f"t{len(tables)}"
        struct = json.dumps({k: _duck_type(v) for k, v in parent_q.items()})

        def cols(prefix: str, questions: dict[str, str]) -> str:
            parts = []
            for q, kind in questions.items():
                ref = f"{prefix}.{q}" if q not in ("wave",) else f"{prefix}.\"{q}\""
                parts.append(f"TRY_CAST({ref} AS DATE) AS \"{q}\"" if kind == "date" else f"{ref} AS \"{q}\"")
            return ", ".join(parts)

        # CAST: a column that is NULL in every row of an instrument comes through ADBC untyped.
        base = (
            "SELECT id, CAST(oblast_code AS VARCHAR) AS oblast_code, CAST(raion_code AS VARCHAR) AS raion_code, "
            "CAST(hromada_code AS VARCHAR) AS hromada_code, CAST(period_date AS DATE) AS period_date, "
            f"CAST(r.wave AS VARCHAR) AS _wave_slice, json_transform(answers, '{struct}') AS a "
            f"FROM {relation(survey.id, None)} r"
        )
        if not indicator.repeat:
            sql = (f"CREATE TEMP TABLE {name} AS SELECT b.oblast_code, b.raion_code, b.hromada_code, "
                   f"{period_sql.replace('wave', 'b._wave_slice')} AS _period, {cols('b.a', parent_q)}, "
                   f"coalesce(ph.population, pr.population, po.population) AS _population FROM ({base}) b "
                   "LEFT JOIN pop ph ON ph.code = b.hromada_code LEFT JOIN pop pr ON pr.code = b.raion_code "
                   "LEFT JOIN pop po ON po.code = b.oblast_code")
        else:
            child_struct = json.dumps({k: _duck_type(v) for k, v in child_q.items()})
            shared = {k: v for k, v in parent_q.items() if k not in child_q}
            sql = (f"CREATE TEMP TABLE {name} AS SELECT b.oblast_code, b.raion_code, b.hromada_code, "
                   f"{period_sql.replace('wave', 'b._wave_slice')} AS _period, {cols('b.a', shared)}, "
                   f"{cols('c.a', child_q)} FROM (SELECT parent_id, json_transform(answers, '{child_struct}') AS a "
                   f"FROM {relation(survey.id, indicator.repeat)}) c "
                   f"JOIN ({base}) b ON b.id = c.parent_id")
        con.execute(sql)
        tables[(indicator.survey, indicator.repeat)] = name
    extract_time = time.perf_counter() - started
    level_time = _level_queries(con, framework, tables, to_sql)
    con.close()
    return {"extract": extract_time, **level_time}


def _level_queries(con: Any, framework: Framework, tables: dict[tuple[str | None, str | None], str],
                   to_sql: SqlOf) -> dict[str, float]:
    """One GROUPING SETS query per indicator and level over the typed tables; seconds per level."""
    level_time: dict[str, float] = {}
    for level in LEVELS:
        started = time.perf_counter()
        territory = {"oblast": "oblast_code", "raion": "raion_code", "hromada": "hromada_code", "all": "'ALL'"}[level]
        for indicator in framework.indicators.values():
            if indicator.type == "index":
                continue
            survey = framework.surveys[indicator.survey or ""]
            if str(survey.respondent) == "survivor" and level in ("raion", "hromada"):
                continue
            table = tables[(indicator.survey, indicator.repeat)]
            scope = f"coalesce({to_sql(expr.parse(indicator.filter))}, FALSE)" if indicator.filter else "TRUE"
            kind = str(indicator.type)
            if kind == "share":
                den = f"coalesce({to_sql(expr.parse(indicator.denominator))}, FALSE)" if indicator.denominator else "TRUE"
                num = f"coalesce({to_sql(expr.parse(indicator.numerator or 'true'))}, FALSE)"
                stats = (f"count(*) FILTER (WHERE {scope} AND {den}) AS n, "
                         f"count(*) FILTER (WHERE {scope} AND {den} AND {num}) AS k")
                outer = ("n, k, k / nullif(n, 0) AS p, (p + 1.92 / n) / (1 + 3.84 / n) - 1.96 * sqrt(p * (1 - p) / n "
                         "+ 0.96 / (n * n)) / (1 + 3.84 / n) AS low, (p + 1.92 / n) / (1 + 3.84 / n) + 1.96 * "
                         "sqrt(p * (1 - p) / n + 0.96 / (n * n)) / (1 + 3.84 / n) AS high")
            elif kind == "count":
                num = f"coalesce({to_sql(expr.parse(indicator.numerator))}, FALSE)" if indicator.numerator else "TRUE"
                stats = f"count(*) FILTER (WHERE {scope}) AS n, count(*) FILTER (WHERE {scope} AND {num}) AS k"
                outer = "n, k"
            elif kind == "ratio":
                num = to_sql(expr.parse(indicator.numerator or "0"))
                den = to_sql(expr.parse(indicator.denominator or "1"))
                stats = (f"count(*) FILTER (WHERE {scope} AND ({num}) IS NOT NULL AND ({den}) IS NOT NULL) AS n, "
                         f"sum({num}) FILTER (WHERE {scope} AND ({den}) IS NOT NULL) AS a, "
                         f"sum({den}) FILTER (WHERE {scope} AND ({num}) IS NOT NULL) AS b")
                outer = f"n, a / nullif(b, 0) * {indicator.factor} AS value"
            else:
                value = to_sql(expr.parse(indicator.value or "0"))
                v = f"CASE WHEN {scope} THEN {value} END"
                if kind == "sum":
                    stats, outer = f"count({v}) AS n, sum({v}) AS s", "n, s"
                elif kind == "mean":
                    stats = f"count({v}) AS n, avg({v}) AS m, stddev_samp({v}) AS sd"
                    outer = "n, m, m - 1.96 * sd / sqrt(n) AS low, m + 1.96 * sd / sqrt(n) AS high"
                else:
                    # Order-statistic interval as in the engine: the sorted values at two ranks.
                    stats = f"count({v}) AS n, median({v}) AS med, list({v} ORDER BY {v}) FILTER (WHERE {v} IS NOT NULL) AS xs"
                    outer = ("n, med, xs[CAST(greatest(1, floor(n / 2 - 0.98 * sqrt(n))) AS INTEGER)] AS low, "
                             "xs[CAST(least(n, n - greatest(1, floor(n / 2 - 0.98 * sqrt(n))) + 1) AS INTEGER)] AS high")
            dims = [d for d in indicator.disaggregate_by if d in {q.name for q in survey.all_questions()}]
            sets = ", ".join(["(_t, _period)"] + [f'(_t, _period, "{d}")' for d in dims])
            sql = (f"SELECT {outer} FROM (SELECT {territory} AS _t, _period, {stats} FROM {table} "
                   f"WHERE {territory} IS NOT NULL AND _period IS NOT NULL GROUP BY GROUPING SETS ({sets}))")
            con.execute(sql).fetchall()
        level_time[level] = time.perf_counter() - started
    return level_time


def duckdb_copy_reference(engine: Any, framework: Framework, period: str, population: pd.DataFrame) -> dict[str, float]:
    """DuckDB over the engine's own columnar copy (the typed Parquet files written at import): the
    strongest reference for the copy path, with no JSON left to parse on either side."""
    import duckdb

    from monitor.engine import columnar, frames

    folder = columnar.engine_folder(engine)
    assert folder is not None
    identity = frames.database_identity(engine)
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    to_sql = SqlOf(framework.param_values())
    con.register("population_frame", population)
    started = time.perf_counter()
    con.execute("CREATE TEMP TABLE pop AS SELECT * FROM population_frame")
    period_sql = {
        "year": "strftime(c.period_date, '%Y')",
        "half": "strftime(c.period_date, '%Y') || '-H' || CASE WHEN month(c.period_date) <= 6 THEN 1 ELSE 2 END",
        "quarter": "strftime(c.period_date, '%Y') || '-Q' || quarter(c.period_date)",
        "wave": "c.wave",
    }[period]
    tables: dict[tuple[str | None, str | None], str] = {}
    for indicator in framework.indicators.values():
        if indicator.type == "index" or (indicator.survey, indicator.repeat) in tables:
            continue
        survey = framework.surveys[indicator.survey or ""]
        path = columnar.copy_path(folder, identity, survey, indicator.repeat)
        types = frames.question_types(survey, indicator.repeat)
        cols = ", ".join(
            f'CAST(c."{q}" AS DATE) AS "{q}"' if kind == "date" else f'c."{q}"'
            for q, kind in types.items() if q not in frames.SLICE_COLUMNS
        )
        name = f"t{len(tables)}"
        joins = ("LEFT JOIN pop ph ON ph.code = c.hromada_code LEFT JOIN pop pr ON pr.code = c.raion_code "
                 "LEFT JOIN pop po ON po.code = c.oblast_code")
        population_col = ", coalesce(ph.population, pr.population, po.population) AS _population"
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT c.oblast_code, c.raion_code, c.hromada_code, "
                    f"{period_sql} AS _period, {cols}"
                    + ("" if indicator.repeat else population_col)
                    + f" FROM read_parquet('{path}') c " + ("" if indicator.repeat else joins))
        tables[(indicator.survey, indicator.repeat)] = name
    extract_time = time.perf_counter() - started
    level_time = _level_queries(con, framework, tables, to_sql)
    con.close()
    return {"extract": extract_time, **level_time}


# --------------------------------------------------------------------------- jobs (one per child process)


def _population(units: pd.DataFrame) -> pd.DataFrame:
    hromadas = units[units["level"] == "hromada"]
    return pd.concat([
        hromadas[["code", "population"]],
        hromadas.groupby("raion_code", as_index=False)["population"].sum().rename(columns={"raion_code": "code"}),
        hromadas.groupby("oblast_code", as_index=False)["population"].sum().rename(columns={"oblast_code": "code"}),
    ]).astype({"population": float})


def job(name: str, db: Path, period: str, pg: str | None = None) -> None:
    """One measured run in this (fresh) process; prints its result line for the harness."""
    if name == "duckdb-pg-scanner":
        sys.path.insert(0, str(DUCKDB_SCANNERS))  # DuckDB 1.5 and its scanner wheel, before duckdb is imported
    from monitor.store import db as store_db
    from monitor.store.territory import territories

    framework = framework_or_raise(ROOT)
    on_pg = "-pg" in name
    if on_pg:
        assert pg, "--pg"
        os.environ["MONITOR_CACHE_DIR"] = str(PG_CACHE)  # where a PostgreSQL deployment keeps the copy
    engine = store_db.connect(pg if on_pg and pg else f"sqlite:///{db}")
    units = territories(engine)  # reference data, outside the clock on both sides
    if name == "duckdb-pg-scanner":
        population = _population(units)
        engine.dispose()
        started = time.perf_counter()
        parts = duckdb_reference(str(pg), framework, period, population, reader=_scanner_reader)
        seconds = time.perf_counter() - started
        emit({"job": name, "seconds": round(seconds, 3), "levels": {k: round(v, 3) for k, v in parts.items()}})
        return
    if name in ("engine-sqlite", "engine-documents", "engine-pg", "engine-pg-documents"):
        if name.endswith("-documents"):
            os.environ["MONITOR_COLUMNAR"] = "0"  # parse the answer documents, as before the copy
        clear_cache()
        levels: dict[str, float] = {}
        rows = 0
        started = time.perf_counter()
        for level in LEVELS:
            at = time.perf_counter()
            rows += len(compute(engine, framework, level=level, period=period))
            levels[level] = round(time.perf_counter() - at, 3)
        seconds = time.perf_counter() - started
        emit({"job": name, "seconds": round(seconds, 3), "levels": levels, "result_rows": rows})
    elif name == "duckdb-sqlite":
        population = _population(units)
        engine.dispose()
        started = time.perf_counter()
        parts = duckdb_reference(db, framework, period, population)
        seconds = time.perf_counter() - started
        emit({"job": name, "seconds": round(seconds, 3), "levels": {k: round(v, 3) for k, v in parts.items()}})
    elif name == "duckdb-copy":
        population = _population(units)
        started = time.perf_counter()
        parts = duckdb_copy_reference(engine, framework, period, population)
        seconds = time.perf_counter() - started
        emit({"job": name, "seconds": round(seconds, 3), "levels": {k: round(v, 3) for k, v in parts.items()}})
    elif name == "engine-cached":
        clear_cache()
        compute_cached(engine, framework, level="hromada", period=period, disk=False)
        repeats = []
        for _ in range(7):
            at = time.perf_counter()
            compute_cached(engine, framework, level="hromada", period=period, disk=False)
            repeats.append(time.perf_counter() - at)
        emit({"job": name, "seconds": round(statistics.median(repeats), 5)})
    else:
        raise SystemExit(f"unknown job {name}")


def ensure_db(rows: int, seed: int) -> Path:
    DATA.mkdir(parents=True, exist_ok=True)
    db = DATA / f"engine-{rows}-{seed}.db"
    if not db.exists():
        print(f"generating {rows:,} responses into {db.relative_to(ROOT)} (cached for the next run)...")
        started = time.perf_counter()
        partial = db.with_suffix(".partial")
        for stale in DATA.glob(partial.name + "*"):
            stale.unlink()
        child = multiprocessing.get_context("spawn").Process(target=generate, args=(partial, rows, seed))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generation failed")
        partial.replace(db)
        print(f"  generated in {time.perf_counter() - started:.1f} s")
    return db


JOBS = ("engine-sqlite", "duckdb-sqlite", "duckdb-copy", "engine-documents")


JOBS_PG = ("engine-pg", "duckdb-pg-scanner", "engine-pg-documents")
PG_CACHE = DATA / "cache-pg"


def ensure_pg(db: Path, server: str, rows: int, seed: int) -> str:
    """The same responses in a PostgreSQL database of their own (schema by the application's migrations,
    rows by COPY from the SQLite file); kept for the next run."""
    import psycopg
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from monitor.store import db as store_db

    name = f"bench_engine_{rows}_{seed}"
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = store_db.connect(url)
    with engine.connect() as connection:
        present = connection.execute(text("SELECT count(*) FROM response")).scalar_one()
    engine.dispose()
    with sqlite3.connect(db) as lite:
        total = lite.execute("SELECT count(*) FROM response").fetchone()[0]
        if present == total:
            return url
        print(f"loading {total:,} responses into PostgreSQL database {name} (kept for the next run)...")
        started = time.perf_counter()
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        piped = shutil.which("sqlite3") is not None
        with psycopg.connect(plain) as pg, pg.cursor() as cursor:
            cursor.execute("TRUNCATE response, importbatch, instrument CASCADE")
            pg.commit()
            for table in ("instrument", "importbatch", "response"):
                columns = [r[1] for r in lite.execute(f"PRAGMA table_info({table})")]
                booleans = {r[1] for r in lite.execute(f"PRAGMA table_info({table})") if r[2].upper() == "BOOLEAN"}
                listed = ", ".join(columns)
                select = f"SELECT {listed} FROM {table} ORDER BY 1"
                with cursor.copy(f"COPY {table} ({listed}) FROM STDIN" + (" (FORMAT csv)" if piped else "")) as copy:
                    if piped:
                        # The sqlite3 shell writes CSV in C (NULL as an empty field, which COPY reads as NULL;
                        # booleans as 0/1, which PostgreSQL accepts): 10 M rows in minutes, not an hour.
                        with subprocess.Popen(["sqlite3", "-csv", str(db), select], stdout=subprocess.PIPE) as shell:
                            assert shell.stdout is not None
                            while block := shell.stdout.read(1 << 20):
                                copy.write(block)
                        if shell.returncode:
                            raise SystemExit(f"sqlite3 failed on {table}")
                    else:
                        for row in lite.execute(select):
                            copy.write_row([bool(v) if c in booleans and v is not None else v
                                            for c, v in zip(columns, row, strict=True)])
                if table != "instrument":
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            cursor.execute("ANALYZE")
        print(f"  loaded in {time.perf_counter() - started:.1f} s")
    return url


def ensure_copies(db: Path | str) -> float:
    """The columnar copy as an import leaves it (written after the commit); seconds it took, 0 if current."""
    from monitor.engine import refresh_copies
    from monitor.store import db as store_db

    framework = framework_or_raise(ROOT)
    engine = store_db.connect(db if isinstance(db, str) else f"sqlite:///{db}")
    started = time.perf_counter()
    written = refresh_copies(engine, list(framework.surveys.values()))
    engine.dispose()
    return round(time.perf_counter() - started, 3) if written else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--period", default="quarter", choices=["year", "half", "quarter", "wave"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--job", help=argparse.SUPPRESS)  # a child's run (see bench/harness.py)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help="default bench/results/engine.json (engine-postgres.json)")
    parser.add_argument("--postgres", metavar="URL",
                        help="a PostgreSQL server (postgresql+psycopg://user@host:port/db): the engine from "
                             "PostgreSQL against DuckDB's postgres_scanner, instead of the SQLite jobs")
    parser.add_argument("--pg", help=argparse.SUPPRESS)  # a child's database URL
    parser.add_argument("--pg-jobs", nargs="+", choices=JOBS_PG, default=list(JOBS_PG),
                        help="with --postgres: which jobs (at 10 M the documents path alone takes minutes)")
    args = parser.parse_args()
    if args.job:
        job(args.job, args.db, args.period, args.pg)
        return
    if args.postgres:
        postgres_main(args)
        return
    args.out = args.out or RESULTS / "engine.json"
    report = header("engine") | {"period": args.period, "repeats": args.repeats, "levels": list(LEVELS),
                                 "indicators": 0, "sizes": []}
    framework = framework_or_raise(ROOT)
    report["indicators"] = len(framework.indicators)
    for rows in args.rows:
        db = ensure_db(rows, args.seed)
        with sqlite3.connect(db) as connection:
            total = connection.execute("SELECT count(*) FROM response").fetchone()[0]
        copy_seconds = ensure_copies(db)
        print(f"{total:,} responses ({db.name}), columnar copy written in {copy_seconds} s (0: already current), "
              f"{args.repeats} interleaved rounds:")
        runs = interleaved(Path(__file__), {name: ["--db", str(db), "--period", args.period] for name in JOBS},
                           args.repeats)
        jobs = {name: summary(values) for name, values in runs.items()}
        ours, ref = jobs["engine-sqlite"], jobs["duckdb-sqlite"]
        size = {
            "rows": int(total), "db": db.name, "jobs": jobs,
            "ratio_engine_to_duckdb_min": round(ours["min_s"] / ref["min_s"], 2),
            "ratio_engine_to_duckdb_median": round(ours["median_s"] / ref["median_s"], 2),
            "engine_us_per_row_min": round(ours["min_s"] / total * 1e6, 2),
            "duckdb_us_per_row_min": round(ref["min_s"] / total * 1e6, 2),
            "goal_ratio": 1.0, "met": ours["min_s"] <= ref["min_s"],
            "columnar_copy_write_s": copy_seconds,
            "ratio_engine_to_duckdb_copy_min": round(ours["min_s"] / jobs["duckdb-copy"]["min_s"], 2),
            "ratio_engine_to_duckdb_copy_median": round(ours["median_s"] / jobs["duckdb-copy"]["median_s"], 2),
            "ratio_documents_to_copy_min": round(jobs["engine-documents"]["min_s"] / ours["min_s"], 2),
        }
        report["sizes"].append(size)
        print(f"  engine {ours['min_s']:.2f} / {ours['median_s']:.2f} s (min/median), peak {ours['peak_mb_max']} MB;"
              f" DuckDB {ref['min_s']:.2f} / {ref['median_s']:.2f} s, peak {ref['peak_mb_max']} MB;"
              f" ratio {size['ratio_engine_to_duckdb_min']}x (min) {size['ratio_engine_to_duckdb_median']}x (median);"
              f" DuckDB over the copy {jobs['duckdb-copy']['min_s']:.2f} s ({size['ratio_engine_to_duckdb_copy_min']}x);"
              f" documents path {jobs['engine-documents']['min_s']:.2f} s")
    report["load_average_at_end"] = load()
    report["note"] = NOTE
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")


def postgres_main(args: argparse.Namespace) -> None:
    out = args.out or RESULTS / "engine-postgres.json"
    report = header("engine-postgres") | {"period": args.period, "repeats": args.repeats, "levels": list(LEVELS),
                                          "sizes": [], "note": NOTE_PG}
    for rows in args.rows:
        db = ensure_db(rows, args.seed)
        pg = ensure_pg(db, args.postgres, rows, args.seed)
        os.environ["MONITOR_CACHE_DIR"] = str(PG_CACHE)
        copy_seconds = ensure_copies(pg)
        os.environ.pop("MONITOR_CACHE_DIR")
        with sqlite3.connect(db) as connection:
            total = connection.execute("SELECT count(*) FROM response").fetchone()[0]
        print(f"{total:,} responses in PostgreSQL, columnar copy written in {copy_seconds} s (0: already current), "
              f"{args.repeats} interleaved rounds:")
        arguments = ["--db", str(db), "--period", args.period, "--pg", pg]
        runs = interleaved(Path(__file__), dict.fromkeys(args.pg_jobs, arguments), args.repeats)
        jobs = {name: summary(values) for name, values in runs.items()}
        size: dict[str, Any] = {"rows": int(total), "jobs": jobs, "columnar_copy_write_s": copy_seconds}
        ours, ref, documents = (jobs.get(name) for name in ("engine-pg", "duckdb-pg-scanner", "engine-pg-documents"))
        if ours:
            size["engine_us_per_row_min"] = round(ours["min_s"] / total * 1e6, 2)
        if ours and ref:
            size |= {
                "ratio_engine_to_scanner_min": round(ours["min_s"] / ref["min_s"], 2),
                "ratio_engine_to_scanner_median": round(ours["median_s"] / ref["median_s"], 2),
                "goal_ratio": 1.2, "met": ours["min_s"] <= 1.2 * ref["min_s"],
            }
        if documents and ref:
            size["ratio_documents_to_scanner_min"] = round(documents["min_s"] / ref["min_s"], 2)
        report["sizes"].append(size)
        print("  " + "; ".join(f"{name} {job['min_s']:.2f} / {job['median_s']:.2f} s, peak {job['peak_mb_max']} MB"
                               for name, job in jobs.items()))
    report["load_average_at_end"] = load()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written: {out}")


NOTE_PG = ("The same generated responses as the SQLite benchmark, loaded by COPY into a PostgreSQL database whose "
           "schema the application's migrations made. engine-pg: monitor.engine.compute on the PostgreSQL engine, "
           "reading the typed columnar copy (MONITOR_CACHE_DIR, as a PostgreSQL deployment sets it), written once "
           "before the rounds (columnar_copy_write_s); engine-pg-documents: the same with the copy off "
           "(MONITOR_COLUMNAR=0), the answer documents read from the server and parsed; duckdb-pg-scanner: DuckDB "
           "1.5 with its postgres_scanner extension reading the response table from the server, JSON parsed by "
           "DuckDB, then one GROUPING SETS query per indicator and level. Fresh process per run, interleaved.")

NOTE = ("Every job reads the same SQLite file in a fresh process per run (interleaved rounds, order rotated): "
        "engine-sqlite is the production path (monitor.engine.compute on the SQLAlchemy engine, which reads the "
        "typed columnar copy written after the import, engine/columnar.py); duckdb-sqlite reads the file "
        "through ADBC's SQLite driver -> Arrow, JSON parsed by DuckDB (json_transform); duckdb-copy reads the "
        "engine's own Parquet copy (no JSON on either side: the strongest reference for the copy path); "
        "engine-documents is the engine with the copy switched off (MONITOR_COLUMNAR=0), parsing the documents "
        "as before. Then one GROUPING SETS query per indicator and level for DuckDB. The copy is written once "
        "before the rounds (columnar_copy_write_s, the import's extra cost). Timed: from the first read to the "
        "last level's result; imports, "
        "framework loading and the territory table are outside the clock on both sides. peak_mb is each "
        "child's own VmHWM. The machine is shared (2 cores, other sessions): see load_before/load_after per run.")


if __name__ == "__main__":
    main()
