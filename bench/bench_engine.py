"""Engine benchmark: 1,000,000 responses, every indicator at every level, against DuckDB SQL on the same data.

    .venv/bin/python bench/bench_engine.py [--rows N] [--period quarter] [--seed 7]

1. Generates N synthetic responses for the real framework's surveys over the four oblasts and 8
   quarters (2021-Q1..2022-Q4), vectorised, bulk-inserted into a SQLite file cached in bench/.data/
   (status-procedure gets 3 repeat rows per body answer, so repeats are exercised too).
2. DuckDB's sqlite extension must be downloaded (no network here), so the responses are exported once
   to Parquet and BOTH our engine (monitor.engine.ParquetSource) and DuckDB read that same file; the
   JSON answers are parsed inside the timed part for both. The file is ordered by instrument with
   50,000-row groups, so each side's per-instrument read skips the other instruments' row groups. The engine's time from the SQLite file
   itself (the production path) is reported too.
3. DuckDB reference: the indicators' expressions translated to SQL (AST -> SQL, below), one
   GROUPING SETS query per indicator and level (total + each disaggregation), with the same
   statistics (n, numerator, value, Wilson or t interval, median with two order-statistic quantiles).
   working-days() is approximated in SQL (weekdays without the holiday list): a timing reference,
   not a correctness one — correctness is tests/engine/test_sql_check.py.
4. Cached repeat query: compute_cached() at hromada level, second call (median of 7).
Peak memory is ru_maxrss of this process after the engine runs (generation runs in a child process).
Writes bench/results/engine.json and prints a small table.
"""

# ruff: noqa: S608 - the DuckDB reference builds SQL from the framework's own definitions (no user input)
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import sqlite3
import statistics
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

from monitor.engine import ParquetSource, clear_cache, compute, compute_cached  # noqa: E402
from monitor.engine.compute import LEVELS  # noqa: E402
from monitor.framework import expr  # noqa: E402
from monitor.framework.loader import framework_or_raise  # noqa: E402
from monitor.framework.models import Framework, QuestionType, Survey  # noqa: E402

START = np.datetime64("2021-01-01")
DAYS = 730  # 8 quarters
REPEAT_ROWS = 3
ROW_GROUP = 50_000
PARQUET_LAYOUT = "by-instrument"  # in the file name: a file of an older layout is exported again


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


def export_parquet(db: Path, target: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    connection = sqlite3.connect(db)
    columns = ["id", "instrument_id", "parent_id", "repeat", "oblast_code", "raion_code", "hromada_code", "wave",
               "period_date", "submitted_at", "synthetic", "answers"]
    # Laid out by instrument (as an analytical export would be): each reader's instrument filter then
    # skips the other instruments' row groups instead of decompressing them (both sides benefit).
    rows = connection.execute(f"SELECT {', '.join(columns)} FROM response ORDER BY instrument_id, id").fetchall()
    connection.close()
    data = list(zip(*rows, strict=True))
    arrays = {name: pa.array(values) for name, values in zip(columns, data, strict=True)}
    arrays["synthetic"] = pa.array([bool(v) for v in data[columns.index("synthetic")]])
    pq.write_table(pa.table(arrays), target, row_group_size=ROW_GROUP)


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
        raise NotImplementedError(type(node).__name__)


def _duck_type(kind: str) -> str:
    return "DOUBLE" if kind in ("integer", "decimal") else "VARCHAR"


def duckdb_reference(parquet: Path, framework: Framework, period: str, population: pd.DataFrame) -> dict[str, float]:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    to_sql = SqlOf(framework.param_values())
    con.register("population_frame", population)
    started = time.perf_counter()
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

        base = (
            f"SELECT id, oblast_code, raion_code, hromada_code, CAST(period_date AS DATE) AS period_date, "
            f"r.wave AS _wave_slice, json_transform(answers, '{struct}') AS a FROM read_parquet('{parquet}') r "
            f"WHERE instrument_id = '{survey.id}' AND parent_id IS NULL"
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
                   f"FROM read_parquet('{parquet}') WHERE instrument_id = '{survey.id}' AND repeat = '{indicator.repeat}') c "
                   f"JOIN ({base}) b ON b.id = c.parent_id")
        con.execute(sql)
        tables[(indicator.survey, indicator.repeat)] = name
    extract_time = time.perf_counter() - started
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
    con.close()
    return {"extract": extract_time, **level_time}


# --------------------------------------------------------------------------- engine timings


def time_levels(source: Any, framework: Framework, period: str) -> tuple[dict[str, float], int]:
    clear_cache()
    times: dict[str, float] = {}
    rows = 0
    for level in LEVELS:
        started = time.perf_counter()
        results = compute(source, framework, level=level, period=period)
        times[level] = time.perf_counter() - started
        rows += len(results)
    return times, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--period", default="quarter", choices=["year", "half", "quarter", "wave"])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    db = DATA / f"engine-{args.rows}-{args.seed}.db"
    parquet = db.with_name(f"{db.stem}-{PARQUET_LAYOUT}.parquet")
    if not db.exists():
        print(f"generating {args.rows:,} responses into {db.relative_to(ROOT)} (cached for the next run)...")
        started = time.perf_counter()
        partial = db.with_suffix(".partial")
        for stale in DATA.glob(partial.name + "*"):
            stale.unlink()
        child = multiprocessing.get_context("spawn").Process(target=generate, args=(partial, args.rows, args.seed))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("generation failed")
        partial.replace(db)
        print(f"  generated in {time.perf_counter() - started:.1f} s")
    if not parquet.exists():
        partial = parquet.with_suffix(".partial")
        child = multiprocessing.get_context("spawn").Process(target=export_parquet, args=(db, partial))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit("Parquet export failed")
        partial.replace(parquet)

    from monitor.store import db as store_db
    from monitor.store.territory import territories

    framework = framework_or_raise(ROOT)
    engine = store_db.connect(f"sqlite:///{db}")
    units = territories(engine)
    with sqlite3.connect(db) as connection:
        total_rows = connection.execute("SELECT count(*) FROM response").fetchone()[0]

    sqlite_times, result_rows = time_levels(engine, framework, args.period)
    parquet_times, _ = time_levels(ParquetSource(parquet, units), framework, args.period)
    clear_cache()
    compute_cached(engine, framework, level="hromada", period=args.period, disk=False)
    repeats = []
    for _ in range(7):
        started = time.perf_counter()
        compute_cached(engine, framework, level="hromada", period=args.period, disk=False)
        repeats.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    hromadas = units[units["level"] == "hromada"]
    population = pd.concat([
        hromadas[["code", "population"]],
        hromadas.groupby("raion_code", as_index=False)["population"].sum().rename(columns={"raion_code": "code"}),
        hromadas.groupby("oblast_code", as_index=False)["population"].sum().rename(columns={"oblast_code": "code"}),
    ]).astype({"population": float})
    duck = duckdb_reference(parquet, framework, args.period, population)
    duck_total = sum(duck.values())
    engine_parquet_total = sum(parquet_times.values())
    engine_sqlite_total = sum(sqlite_times.values())
    report = {
        "rows": int(total_rows),
        "indicators": len(framework.indicators),
        "period": args.period,
        "levels": list(LEVELS),
        "result_rows": result_rows,
        "engine_sqlite_s": {k: round(v, 3) for k, v in sqlite_times.items()} | {"total": round(engine_sqlite_total, 3)},
        "engine_parquet_s": {k: round(v, 3) for k, v in parquet_times.items()} | {"total": round(engine_parquet_total, 3)},
        "duckdb_parquet_s": {k: round(v, 3) for k, v in duck.items()} | {"total": round(duck_total, 3)},
        "ratio_engine_to_duckdb": round(engine_parquet_total / duck_total, 2),
        "ratio_goal": 2.0,
        "cached_repeat_ms": round(statistics.median(repeats) * 1000, 2),
        "cached_goal_ms": 50,
        "peak_rss_mb": round(peak_mb, 1),
        "peak_goal_mb": 2048,
        "machine": {"python": platform.python_version(), "cpus": multiprocessing.cpu_count(),
                    "platform": platform.platform(), "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()]},
        "parquet": parquet.name,
        "note": "DuckDB's sqlite extension needs a download, so both engine and DuckDB read one Parquet export "
                f"(rows ordered by instrument, {ROW_GROUP:,}-row groups, so both skip other instruments' row groups); "
                "engine_sqlite_s is the production path from the SQLite file. Frames are parsed once per run "
                "and reused across the four levels by both sides (DuckDB: temp tables).",
    }
    (RESULTS / "engine.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\n{total_rows:,} responses, {len(framework.indicators)} indicators, period={args.period}, "
          f"{result_rows:,} result rows over 4 levels")
    print(f"{'':26}{'load/extract':>13}" + "".join(f"{lv:>10}" for lv in LEVELS) + f"{'total':>10}")
    first = {"engine (SQLite file)": sqlite_times, "engine (Parquet)": parquet_times}
    for name, times in first.items():
        print(f"{name:26}{'(in first)':>13}" + "".join(f"{times[lv]:10.2f}" for lv in LEVELS)
              + f"{sum(times.values()):10.2f}")
    print(f"{'DuckDB SQL (Parquet)':26}{duck['extract']:13.2f}" + "".join(f"{duck[lv]:10.2f}" for lv in LEVELS)
          + f"{duck_total:10.2f}")
    print(f"ratio engine/DuckDB (same Parquet): {report['ratio_engine_to_duckdb']}x (goal <= 2x)")
    print(f"cached repeat query: {report['cached_repeat_ms']} ms (goal < 50 ms)")
    print(f"peak memory (engine part): {report['peak_rss_mb']} MB (goal < 2048 MB)")
    print(f"written: {(RESULTS / 'engine.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
