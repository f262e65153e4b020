"""Import benchmark: a 100,000-row KoboToolbox CSV of 30 questions through `import_file`, against a reference.

The reference is the least any importer must do: `pandas.read_csv` of the same file plus one bulk
insert of the same rows (`session.execute(insert(Response), dicts)`, answers as JSON) into a fresh
SQLite file. Both are timed in the same run on the same machine, so the ratio is comparable across
machines. Goal: import_file at most 3x the reference.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--seed 1] [--keep DIR]

Writes bench/results/import.json and prints a table. Schema creation and loading the territory
reference happen before the clock starts in both cases; they are not part of an import.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from monitor.framework.models import Framework, FrameworkSettings, Survey  # noqa: E402
from monitor.ingest.pipeline import import_file  # noqa: E402
from monitor.ingest.synth.answers import reference_territories, synth_answers  # noqa: E402
from monitor.ingest.synth.formats import kobo_csv_xml  # noqa: E402
from monitor.store.db import close, connect  # noqa: E402
from monitor.store.models import ImportBatch, Instrument, Response  # noqa: E402
from monitor.store.territory import load_reference  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "import.json"
GOAL = 3.0


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


def time_import(path: Path, survey: Survey, db: Path) -> tuple[float, Any]:
    url = f"sqlite:///{db}"
    engine = connect(url)
    load_reference(engine)
    started = time.perf_counter()
    report = import_file(engine, bench_framework(survey), survey.id, path)
    seconds = time.perf_counter() - started
    close(url)
    return seconds, report


def time_reference(path: Path, survey: Survey, db: Path) -> tuple[float, int]:
    """pandas.read_csv + one bulk insert of the same rows, answers as JSON: the floor for any importer."""
    url = f"sqlite:///{db}"
    engine = connect(url)
    load_reference(engine)
    started = time.perf_counter()
    frame = pd.read_csv(path, sep=";", dtype=object, keep_default_na=False)
    questions = [c for c in frame.columns if not c.startswith("_")]
    # Plain object arrays and zip: the fastest way from a frame to row dicts (to_dict over pandas 3's
    # arrow-backed strings is several times slower and would flatter the ratio).
    answers = [dict(zip(questions, row, strict=True)) for row in frame[questions].to_numpy(dtype=object)]
    uuids = frame["_uuid"].tolist()
    with Session(engine) as session, session.begin():
        session.add(Instrument(id=survey.id, definition_hash="-", title_uk="-", title_en="-",
                               respondent="-", definition={}))
        session.flush()  # the batch row refers to the instrument row
        batch = ImportBatch(instrument_id=survey.id, file_name=path.name, sha256="-", format="csv")
        session.add(batch)
        session.flush()
        session.execute(insert(Response), [
            {"instrument_id": survey.id, "batch_id": batch.id, "external_id": uid, "content_hash": uid,
             "answers": row}
            for uid, row in zip(uuids, answers, strict=True)
        ])
    seconds = time.perf_counter() - started
    close(url)
    return seconds, len(frame)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="Keep the generated export and databases here")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        export = work / "kobo_bench.csv"
        started = time.perf_counter()
        survey = make_export(export, args.rows, args.seed)
        generated = time.perf_counter() - started
        reference_s, reference_rows = time_reference(export, survey, work / "reference.db")
        import_s, report = time_import(export, survey, work / "import.db")
        ratio = import_s / reference_s
        result = {
            "benchmark": "import",
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "processor": platform.processor() or platform.machine()},
            "rows": args.rows, "questions": len(survey.questions),
            "file_mb": round(export.stat().st_size / 1e6, 1),
            "generate_s": round(generated, 2),
            "import_file_s": round(import_s, 2),
            "reference_s": round(reference_s, 2),
            "ratio": round(ratio, 2), "goal": GOAL, "met": ratio <= GOAL,
            "import": {"status": report.status, "accepted": report.accepted, "rejected": report.rejected,
                       "consent_refused": report.consent_refused, "duplicates": report.duplicates},
            "reference_rows": reference_rows,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _print(result)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for item in work.iterdir():
                shutil.copy2(item, args.keep / item.name)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _print(result: dict[str, Any]) -> None:
    rows = [
        ("rows × questions", f"{result['rows']:,} × {result['questions']}  ({result['file_mb']} MB Kobo CSV)"),
        ("reference: read_csv + bulk insert", f"{result['reference_s']:.2f} s"),
        ("import_file", f"{result['import_file_s']:.2f} s  ({result['import']['status']}, "
                        f"{result['import']['accepted']:,} accepted, {result['import']['rejected']:,} rejected, "
                        f"{result['import']['consent_refused']:,} without consent)"),
        ("ratio (goal ≤ 3x)", f"{result['ratio']:.2f}x  {'met' if result['met'] else 'NOT MET'}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
