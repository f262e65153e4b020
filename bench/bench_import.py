"""Import benchmark: a KoboToolbox CSV of 30 questions through `import_file`, against the column-wise reference.

    .venv/bin/python bench/bench_import.py [--rows 100000 [1000000]] [--repeats 3]

The export is generated once per size (bench/.data/import-<rows>-<seed>.csv, git-ignored). Jobs, each
in a fresh process (bench/harness.py), interleaved, `--repeats` rounds, min and median, peak memory
(the child's own VmHWM):
- import-file: `monitor.ingest.pipeline.import_file` into a fresh SQLite file;
- reference-executemany: the same checks written column-wise + `sqlite3.executemany` (reference_import);
- pyarrow-read: pyarrow reading the CSV alone (the floor of any importer).
Writes bench/results/import.json (figures, ratios, load average of the machine per run).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
# `--src DIR` (a child of --baseline): run the same job against another checkout's code, e.g. the
# commit before a change, in the same interleaved run as the current code.
SRC = Path(sys.argv[sys.argv.index("--src") + 1]) if "--src" in sys.argv else ROOT / "src"
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(ROOT / "bench"))

from harness import emit, header, interleaved, load, summary  # noqa: E402

from monitor.demo.answers import reference_territories, synth_answers  # noqa: E402
from monitor.demo.formats import kobo_csv_xml  # noqa: E402
from monitor.framework.models import Framework, FrameworkSettings, Survey  # noqa: E402
from monitor.ingest.pipeline import import_file  # noqa: E402
from monitor.store.db import close, connect  # noqa: E402
from monitor.store.territory import load_reference  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "import.json"
DATA = ROOT / "bench" / ".data"
GOAL = 1.3  # issue #15: import at most 1.3x the column-wise reference


def _q(name: str, kind: str, uk: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "label": {"uk": uk, "en": name.replace("_", " ")}, **extra}


def bench_survey() -> Survey:
    """An instrument of exactly 30 questions, shaped like the hromada questionnaire (groups, choices, counts)."""
    questions = [
        _q("wave", "select_one", "Хвиля", choices="waves", required=True),
        _q("oblast", "territory", "Область", level="oblast", required=True),
        _q("hromada", "territory", "Громада", level="hromada", required=True),
        _q("date", "date", "Дата", required=True),
        _q("interviewer_org", "text", "Організація", required=True),
        _q("consent", "select_one", "Згода", choices="yes_no", required=True),
    ]
    questions += [_q(f"yn_{i}", "select_one", f"Питання так/ні {i}", choices="yes_no", group="capacity",
                     required=i < 5) for i in range(1, 11)]
    questions += [_q(f"count_{i}", "integer", f"Кількість {i}", constraint=". >= 0", group="activities")
                  for i in range(1, 9)]
    questions += [_q("rating", "integer", "Оцінка", constraint=". >= 1 and . <= 5")]
    questions += [_q(f"amount_{i}", "decimal", f"Сума {i}", constraint=". >= 0", group="funding") for i in (1, 2)]
    questions += [_q("partners", "select_multiple", "Партнери", choices="partners"),
                  _q("obstacles", "select_multiple", "Перешкоди", choices="obstacles")]
    questions += [_q("comment", "text", "Коментар")]
    assert len(questions) == 30
    choice = lambda v, uk: {"value": v, "label": {"uk": uk, "en": v}}  # noqa: E731
    return Survey.model_validate({
        "id": "bench-thirty", "code": "BT", "title": {"uk": "Тест швидкості", "en": "Bench"},
        "description": {"uk": "Тест", "en": "Bench"}, "respondent": "hromada-official", "unit": "hromada",
        "territory_question": "hromada", "territory_level": "hromada", "consent_question": "consent",
        "questions": questions,
        "choice_lists": {
            "waves": [choice("2021", "2021"), choice("2022", "2022")],
            "yes_no": [choice("yes", "Так"), choice("no", "Ні")],
            "partners": [choice(v, v) for v in ("police", "ngo", "employment_centre", "school")],
            "obstacles": [choice(v, v) for v in ("no_staff", "no_funds", "no_training", "no_cases", "other")],
        },
    })


def bench_framework(survey: Survey) -> Framework:
    settings = FrameworkSettings.model_validate({
        "title": {"uk": "Тест", "en": "Bench"}, "themes": [{"id": "t", "title": {"uk": "т", "en": "t"}}],
        "waves": ["2021", "2022"],
    })
    return Framework(root=str(ROOT), settings=settings, surveys={survey.id: survey}, indicators={})


def make_export(path: Path, rows: int, seed: int) -> Survey:
    survey = bench_survey()
    frame = synth_answers(survey, reference_territories(), "2022", np.random.default_rng(seed), n=rows)
    kobo_csv_xml(path, survey, frame, "both")
    return survey


# --------------------------------------------------------------------------- the reference


def _norm(value: str) -> str:
    return " ".join(value.replace("’", "'").replace("ʼ", "'").lower().split())


def _territory_keys() -> tuple[dict[str, str], dict[tuple[str, str], str], dict[str, tuple[str, str | None]]]:
    """Exact lookups a careful engineer builds once: oblast by code or name; hromada by code, or name within its oblast."""
    from monitor.store.territory import reference_rows

    oblasts: dict[str, str] = {}
    hromadas: dict[tuple[str, str], str] = {}
    parents: dict[str, tuple[str, str | None]] = {}
    for row in reference_rows():
        names = [row["code"], row["name_uk"], row["name_en"], row.get("full_name_uk") or "",
                 row.get("full_name_en") or "", *row.get("former_names", [])]
        parents[row["code"]] = (row["oblast_code"], row.get("raion_code"))
        for name in filter(None, names):
            if row["level"] == "oblast":
                oblasts[_norm(name)] = row["code"]
            elif row["level"] == "hromada":
                hromadas[(row["oblast_code"], _norm(name))] = row["code"]
                hromadas[("", _norm(row["code"]))] = row["code"]
    return oblasts, hromadas, parents


def reference_import(path: Path, survey: Survey, db: Path) -> dict[str, Any]:
    """The same checks written column-wise, the rows inserted with `sqlite3.executemany`: what a competent
    engineer writes for this one instrument. Types, choices, select_multiple codes, required answers,
    range constraints, dates (2021..today), territory (exact: code or name; hromada within its oblast),
    consent; documents as orjson, a SHA-256 per row, in-file duplicates dropped, one transaction."""
    import re
    from datetime import date

    import orjson
    import pyarrow.csv as pacsv

    started = time.perf_counter()
    import pyarrow as pa
    import pyarrow.compute as pc

    with path.open(encoding="utf-8") as handle:
        names = next(csv.reader(handle, delimiter=";"))
    table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=";"),
                           convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                                strings_can_be_null=False,
                                                                quoted_strings_can_be_null=False))
    wanted = {f"{q.group}/{q.name}" if q.group else q.name for q in survey.questions} | {"_uuid"}
    # Trimmed in Arrow (C++), then handed to pandas as object arrays of str.
    text = {name: pd.Series(pc.utf8_trim_whitespace(table.column(name)).to_numpy(zero_copy_only=False), dtype=object)
            for name in table.column_names if name in wanted}
    n = table.num_rows
    del table  # only the columns the checks read are kept
    rejected = np.zeros(n, dtype=bool)
    values: dict[str, pd.Series] = {}
    oblast_keys, hromada_keys, parents = _territory_keys()
    oblast_code = pd.Series([None] * n, dtype=object)
    hromada_code = pd.Series([None] * n, dtype=object)
    today = pd.Timestamp(date.today())
    for q in survey.questions:
        column = f"{q.group}/{q.name}" if q.group else q.name
        raw = text.get(column, pd.Series([""] * n, dtype=object))
        blank = (raw == "").to_numpy()
        if q.required:
            rejected |= blank
        kind = str(q.type)
        if kind == "select_one":
            rejected |= ~blank & ~raw.isin([c.value for c in survey.choices_of(q)]).to_numpy()
            values[q.name] = raw.where(~blank, None)
        elif kind == "select_multiple":
            codes = raw.str.split()
            flat = codes.explode()
            bad = ~flat.isin([c.value for c in survey.choices_of(q)]) & flat.notna()
            rejected |= bad.groupby(level=0).any().reindex(range(n), fill_value=False).to_numpy()
            values[q.name] = codes.str.join(" ").where(~blank, None)
        elif kind in ("integer", "decimal"):
            number = pd.to_numeric(raw.where(~blank, None), errors="coerce")
            bad = ~blank & number.isna().to_numpy()
            if kind == "integer":
                bad |= ~blank & (number % 1 != 0).to_numpy()
            for op, bound in re.findall(r"\.\s*(>=|<=)\s*(-?[\d.]+)", q.constraint or ""):
                outside = number < float(bound) if op == ">=" else number > float(bound)
                bad |= outside.fillna(False).to_numpy()
            rejected |= bad
            typed = number.astype("Int64") if kind == "integer" else number
            values[q.name] = pd.Series(typed.astype(object).where(~blank & ~bad, None), dtype=object)
        elif kind == "date":
            when = pd.to_datetime(raw.where(~blank, None), format="%Y-%m-%d", errors="coerce")
            rejected |= ~blank & (when.isna() | (when < pd.Timestamp("2021-01-01")) | (when > today)).to_numpy()
            values[q.name] = raw.where(~blank, None)
        elif kind == "territory" and q.level == "oblast":
            oblast_code = raw.map({v: oblast_keys.get(_norm(v)) for v in raw.unique()})
            rejected |= ~blank & oblast_code.isna().to_numpy()
        elif kind == "territory":
            # Once per distinct (oblast, place) pair, not per row.
            pairs = pd.MultiIndex.from_arrays([oblast_code.fillna("").to_numpy(), raw.to_numpy()])
            distinct = pairs.unique()
            codes = [hromada_keys.get((o, _norm(v))) or hromada_keys.get(("", _norm(v))) for o, v in distinct]
            found = pd.Series(pd.Series(codes, index=distinct, dtype=object).reindex(pairs).to_numpy(), dtype=object)
            rejected |= ~blank & found.isna().to_numpy()
            hromada_code = found
        else:  # text
            values[q.name] = raw.where(~blank, None)
    consent = values.pop(survey.consent_question) if survey.consent_question else None
    kept = ~rejected & (consent == "yes").to_numpy() if consent is not None else ~rejected
    raion_code = hromada_code.map({c: parents[c][1] for c in hromada_code.dropna().unique()})
    uuids = text["_uuid"]
    kept &= ~uuids.duplicated().to_numpy()
    names = list(values)
    columns = [values[name][kept].tolist() for name in names]
    docs: list[str] = []
    hashes: list[str] = []
    for row in zip(*columns, strict=True):
        doc = orjson.dumps({k: v for k, v in zip(names, row, strict=True) if v is not None}, option=orjson.OPT_SORT_KEYS)
        hashes.append(hashlib.sha256(doc).hexdigest())
        docs.append(doc.decode())  # str: what SQLite stores; orjson's bytes keep a ~10 KB buffer each
    period = values["date"][kept].tolist()
    wave = values["wave"][kept].tolist()
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("INSERT INTO instrument (id, definition_hash, title_uk, title_en, respondent, definition, "
                           "updated_at) VALUES (?, '-', '-', '-', '-', '{}', '2024-01-01 00:00:00')", (survey.id,))
        batch = connection.execute(
            "INSERT INTO importbatch (instrument_id, file_name, sha256, format, rows, accepted, rejected, duplicates, "
            "consent_refused, dropped_columns, warnings, imported_by, imported_at, synthetic) "
            "VALUES (?, ?, '-', 'csv', ?, ?, ?, 0, 0, '[]', '[]', 'bench', '2024-01-01 00:00:00', 0)",
            (survey.id, path.name, n, int(kept.sum()), int(rejected.sum()))).lastrowid
        connection.executemany(
            "INSERT INTO response (instrument_id, batch_id, external_id, content_hash, oblast_code, raion_code, "
            "hromada_code, wave, period_date, synthetic, answers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
            zip([survey.id] * len(docs), [batch] * len(docs), uuids[kept].tolist(), hashes,
                oblast_code[kept].tolist(), raion_code[kept].tolist(), hromada_code[kept].tolist(), wave, period,
                docs, strict=True))
    connection.close()
    return {"seconds": time.perf_counter() - started, "accepted": len(docs), "rejected": int(rejected.sum())}


# --------------------------------------------------------------------------- jobs (one per child process)


def job(name: str, export: Path, work: Path) -> None:
    survey = bench_survey()
    db = work / f"{name}.db"
    for stale in work.glob(f"{name}.db*"):
        stale.unlink()
    url = f"sqlite:///{db}"
    engine = connect(url)  # schema + territory reference: outside the clock on every side
    load_reference(engine)
    engine.dispose()
    if name in ("import-file", "import-file-baseline"):
        engine = connect(url)
        started = time.perf_counter()
        report = import_file(engine, bench_framework(survey), survey.id, export)
        seconds = time.perf_counter() - started
        close(url)
        import monitor.ingest.pipeline as pipeline

        emit({"job": name, "seconds": round(seconds, 3), "code": str(Path(pipeline.__file__).parents[3]),
              "status": report.status, "accepted": report.accepted,
              "rejected": report.rejected, "consent_refused": report.consent_refused})
    elif name == "reference-executemany":
        close(url)
        result = reference_import(export, survey, db)
        emit({"job": name, **result, "seconds": round(result["seconds"], 3)})
    elif name == "pyarrow-read":
        import pyarrow.csv as pacsv

        close(url)
        started = time.perf_counter()
        rows = pacsv.read_csv(export, parse_options=pacsv.ParseOptions(delimiter=";")).num_rows
        emit({"job": name, "seconds": round(time.perf_counter() - started, 3), "rows": rows})
    else:
        raise SystemExit(f"unknown job {name}")
    for stale in work.glob(f"{name}.db*"):
        stale.unlink()


JOBS = ("import-file", "reference-executemany", "pyarrow-read")


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--job", help=argparse.SUPPRESS)  # a child's run (see bench/harness.py)
    parser.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--baseline", type=Path, help="Another checkout's src/ to time as job import-file-baseline")
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.job:
        job(args.job, args.export, args.work)
        return {}
    # A 1,000,000-row export is ~460 MB, over the 200 MB upload cap (readers/limits.py): raised for the
    # children (which inherit the environment), so the bench measures the import, not the refusal.
    os.environ.setdefault("MONITOR_MAX_IMPORT_MB", "2048")
    result = header("import") | {"repeats": args.repeats, "questions": 30, "sizes": []}
    DATA.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        for rows in args.rows:
            export = DATA / f"import-{rows}-{args.seed}.csv"
            if not export.exists():
                print(f"generating {rows:,} rows into {export.relative_to(ROOT)} (cached for the next run)...")
                partial = export.with_suffix(".partial")
                make_export(partial, rows, args.seed)
                partial.replace(export)
            print(f"{rows:,} rows ({export.stat().st_size / 1e6:.1f} MB), {args.repeats} interleaved rounds:")
            jobs_argv = {name: ["--export", str(export), "--work", str(work)] for name in JOBS}
            if args.baseline:
                jobs_argv["import-file-baseline"] = [*jobs_argv["import-file"], "--src", str(args.baseline)]
            runs = interleaved(Path(__file__), jobs_argv, args.repeats)
            jobs = {name: summary(values) for name, values in runs.items()}
            ours, ref = jobs["import-file"], jobs["reference-executemany"]
            size = {
                "rows": rows, "file_mb": round(export.stat().st_size / 1e6, 1), "jobs": jobs,
                "ratio_import_to_reference_min": round(ours["min_s"] / ref["min_s"], 2),
                "ratio_import_to_reference_median": round(ours["median_s"] / ref["median_s"], 2),
                "import_us_per_row_min": round(ours["min_s"] / rows * 1e6, 1),
                "reference_us_per_row_min": round(ref["min_s"] / rows * 1e6, 1),
                "goal_ratio": GOAL, "met": ours["min_s"] <= GOAL * ref["min_s"],
            }
            if args.baseline:
                base = jobs["import-file-baseline"]
                size["baseline_src"] = str(args.baseline)
                size["speedup_vs_baseline_min"] = round(base["min_s"] / ours["min_s"], 2)
                size["ratio_baseline_to_reference_min"] = round(base["min_s"] / ref["min_s"], 2)
            result["sizes"].append(size)
            print(f"  import_file {ours['min_s']:.2f} / {ours['median_s']:.2f} s (min/median), peak "
                  f"{ours['peak_mb_max']} MB; reference {ref['min_s']:.2f} / {ref['median_s']:.2f} s, peak "
                  f"{ref['peak_mb_max']} MB; ratio {size['ratio_import_to_reference_min']}x (min)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["load_average_at_end"] = load()
    result["note"] = NOTE
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")
    return result


NOTE = ("Every run in a fresh process (bench/harness.py), interleaved rounds with the order rotated; peak_mb is "
        "each child's own VmHWM. Timed: from opening the file to the commit; schema creation and the territory "
        "reference are outside the clock on every side. The reference does the same checks column-wise for this "
        "instrument (types, choices, required, range constraints, dates, exact territory match, consent) and "
        "inserts with sqlite3.executemany; it does not do fuzzy place matching, personal-column detection or "
        "rejected-row records (the bench file has none to reject), so it is the floor, not an equal. pyarrow-read "
        "is reading the CSV into Arrow alone. The machine is shared (2 cores, other sessions): see the load "
        "average per run.")


if __name__ == "__main__":
    main()
