"""Demo data: synthetic exports for every instrument and wave, loaded through the real import pipeline.

`run_demo` writes one export per instrument and wave to `data/demo/` (the instrument id first in each
file name), each in a format monitors really send (KoboToolbox XLSX with labels, Kobo CSV, CSV saved
from Excel in Windows-1251, Google Forms, an ODK Central zip for the instrument with a repeat), then
imports them with `import_file(..., synthetic=True)`: the same path a real file takes, so the demo also
exercises readers, mapping and validation. A few deliberate errors (unknown places, a negative count, a
missing required answer, a duplicate submission) make the import report worth reading.

Deterministic for a seed: the same seed writes the same bytes, so a second run on the same database is
recognised file by file as already imported and adds nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from monitor.demo.answers import reference_territories, synth_survey
from monitor.demo.formats import WRITERS, write
from monitor.errors import MonitorError, issue
from monitor.framework.models import Framework, Survey
from monitor.ingest import ImportReport, import_file
from monitor.store.models import ImportBatch, Response
from monitor.store.territory import load_reference

DEMO_DIR = Path("data/demo")
DEFAULT_SEED = 2021
DEMO_USER = "demo"

@dataclass(frozen=True)
class DemoFile:
    survey: str
    wave_index: int  # 0 = the first wave of the framework (baseline)
    fmt: str  # a key of formats.WRITERS
    options: tuple[tuple[str, str], ...] = ()
    label: str = ""  # file-name tag; defaults to fmt


# Which export each instrument arrives as, per wave: the mix a coalition of monitors really produces.
PLAN: list[DemoFile] = [
    DemoFile("hromada-officials", 0, "kobo-labels", label="kobo-labels"),
    DemoFile("hromada-officials", 1, "kobo-xml", (("select_multiple", "both"),), label="kobo-csv"),
    DemoFile("status-procedure", 0, "odk", label="odk-central"),
    DemoFile("status-procedure", 1, "odk", label="odk-central"),
    DemoFile("police", 0, "cp1251", label="excel-cp1251"),
    DemoFile("police", 1, "plain", label="excel"),
    DemoFile("employment-centres", 0, "google-forms", (("lang", "uk"),), label="google-forms"),
    DemoFile("employment-centres", 1, "kobo-labels", label="kobo-labels"),
    DemoFile("survivors", 0, "kobo-xml", (("select_multiple", "separate"),), label="kobo-csv"),
    DemoFile("survivors", 1, "kobo-labels", label="kobo-labels"),
    DemoFile("information-requests", 0, "cp1251", label="excel-cp1251"),
    DemoFile("information-requests", 1, "plain", label="excel"),
    DemoFile("job-seekers", 0, "google-forms", (("lang", "uk"),), label="google-forms"),
    DemoFile("job-seekers", 1, "google-forms", (("lang", "en"),), label="google-forms-en"),
]
# Formats for instruments the plan does not know (another coalition's framework), in turn.
_ROTATION = ["kobo-labels", "cp1251", "google-forms", "kobo-xml", "plain"]
_EXTENSIONS = {ext for ext, _ in WRITERS.values()}

# Places that are not hromadas of the four oblasts (some exist elsewhere in Ukraine): rejected rows.
_UNKNOWN_PLACES = ["Зеленодольська", "Новопетрівська громада", "Вишнівецька", "Ярмолинецька", "Кирилівська"]


# --------------------------------------------------------------------------- deliberate errors


def _unknown_places(frame: pd.DataFrame, survey: Survey, rng: np.random.Generator, places: pd.DataFrame) -> pd.DataFrame:
    question = survey.territory_question
    if question not in frame or len(frame) < 3:
        return frame
    known = set(places["name_uk"]) | set(places.get("full_name_uk", pd.Series(dtype=str)).dropna())
    names = [n for n in _UNKNOWN_PLACES if n not in known][:3]
    # Copies of consenting answers only: a refusal is never imported, so its place would never be checked.
    consent = survey.consent_question
    pool = np.flatnonzero((frame[consent] == "yes").to_numpy()) if consent and consent in frame else np.arange(len(frame))
    if len(pool) < len(names):
        return frame
    extra = frame.iloc[rng.choice(pool, size=len(names), replace=False)].copy()
    extra[question] = names
    extra["_uuid"] = [f"{u[:-4]}{i:04d}" for i, u in enumerate(extra["_uuid"])]
    return pd.concat([frame, extra], ignore_index=True)


def _duplicate(frame: pd.DataFrame, survey: Survey, rng: np.random.Generator, places: pd.DataFrame) -> pd.DataFrame:
    """The same submission twice: a monitor merged two downloads of the same form."""
    if not len(frame):
        return frame
    return pd.concat([frame, frame.iloc[[int(rng.integers(0, len(frame)))]]], ignore_index=True)


def _negative(name: str) -> Callable[..., pd.DataFrame]:
    def apply(frame: pd.DataFrame, survey: Survey, rng: np.random.Generator, places: pd.DataFrame) -> pd.DataFrame:
        if name in frame and frame[name].notna().any():
            row = int(np.flatnonzero(frame[name].notna().to_numpy())[0])
            frame.loc[row, name] = -3
        return frame
    return apply


def _missing(name: str) -> Callable[..., pd.DataFrame]:
    def apply(frame: pd.DataFrame, survey: Survey, rng: np.random.Generator, places: pd.DataFrame) -> pd.DataFrame:
        if name in frame and frame[name].notna().any():
            row = int(np.flatnonzero(frame[name].notna().to_numpy())[-1])
            frame[name] = frame[name].astype(object)
            frame.loc[row, name] = None
        return frame
    return apply


ERRORS: dict[tuple[str, int], list[Callable[..., pd.DataFrame]]] = {
    ("hromada-officials", 0): [_unknown_places, _duplicate],
    ("hromada-officials", 1): [_negative("awareness_events")],
    ("job-seekers", 1): [_missing("sex")],
}


# --------------------------------------------------------------------------- running


def demo_plan(framework: Framework) -> list[DemoFile]:
    """The plan for this framework: the known instruments as planned, any other in rotating formats."""
    waves = len(framework.settings.waves or ["2021", "2022"])
    plan = [f for f in PLAN if f.survey in framework.surveys and f.wave_index < waves]
    planned = {f.survey for f in plan}
    for i, survey in enumerate(s for s in sorted(framework.surveys) if s not in planned):
        has_repeat = bool(framework.surveys[survey].repeats())
        for w in range(waves):
            fmt = "odk" if has_repeat else _ROTATION[(i + w) % len(_ROTATION)]
            plan.append(DemoFile(survey, w, fmt))
    return plan


def file_name(item: DemoFile, wave: str) -> str:
    ext = WRITERS[item.fmt][0]
    return f"{item.survey}_{wave}_{item.label or item.fmt}.{ext}"


def write_demo_files(framework: Framework, seed: int = DEFAULT_SEED, out_dir: Path = DEMO_DIR,
                     territories: pd.DataFrame | None = None) -> list[tuple[str, Path]]:
    """Write the demo exports (old demo files removed first); return (survey id, path) in import order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.iterdir():
        if old.is_file() and old.suffix.lstrip(".") in _EXTENSIONS and old.name.split("_")[0] in framework.surveys:
            old.unlink()
    places = territories if territories is not None else reference_territories()
    waves = list(framework.settings.waves or ["2021", "2022"])
    written = []
    for item in demo_plan(framework):
        survey = framework.surveys[item.survey]
        wave = waves[item.wave_index]
        # One generator per file, seeded by (seed, instrument, wave): adding an instrument changes nothing else.
        rng = np.random.default_rng([seed, zlib.crc32(item.survey.encode()), item.wave_index])
        synth = synth_survey(survey, places, wave, rng)
        frame = synth.frame
        for error in ERRORS.get((item.survey, item.wave_index), []):
            frame = error(frame, survey, rng, places)
        frame.attrs["repeats"] = synth.repeats
        path = out_dir / file_name(item, wave)
        options = dict(item.options)
        if item.fmt in {"kobo-labels", "odk"}:
            options["children"] = synth.repeats
        write(item.fmt, path, survey, frame, **options)
        written.append((item.survey, path))
    return written


def real_imports(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(ImportBatch).where(ImportBatch.synthetic.is_(False))  # type: ignore[attr-defined]
        ).scalar_one())


def run_demo(engine: Engine, framework: Framework, seed: int = DEFAULT_SEED, out_dir: Path = DEMO_DIR,
             progress: Callable[[str, ImportReport], None] | None = None) -> list[ImportReport]:
    """Write the demo exports and import them as synthetic data; refuse a database with real imports."""
    count = real_imports(engine)
    if count:
        raise MonitorError(issue("demo-real-data", count=count))
    load_reference(engine)
    reports = []
    for survey_id, path in write_demo_files(framework, seed, out_dir):
        report = import_file(engine, framework, survey_id, path, imported_by=DEMO_USER, synthetic=True)
        reports.append(report)
        if progress is not None:
            progress(survey_id, report)
    return reports


def has_responses(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(select(Response.id).limit(1)).first() is not None


def ensure_demo(engine: Engine, framework: Framework, out_dir: Path = DEMO_DIR) -> list[ImportReport]:
    """For the dashboard's first run: an empty database gets the demo; anything else is left alone."""
    if has_responses(engine) or real_imports(engine):
        return []
    return run_demo(engine, framework, out_dir=out_dir)
