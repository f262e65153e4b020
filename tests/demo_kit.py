"""One synthetic demo database per test session, shared by every test folder and every xdist worker.

The demo (the real generator through the real import pipeline) and its protected result set are the
most expensive things the suite builds: several seconds and ~40 s. They are built once per session,
by the first worker that asks, exactly as a new user's first `monitor serve` builds them
(`monitor.cli.serve.prepare_database`), into a folder under pytest's base temporary directory that
all workers of the run share; the other workers wait on a file lock and then open the same file.

Tests that only read use the shared file. A test that writes takes a private copy (`copy_demo`): an
SQLite backup, with the protected set carried over under the copy's key, since the copy holds the same
rows (the set is a function of the data and the framework; a write to the imported data changes the
fingerprint, and the set is then rebuilt as in production).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
_READY = "READY"


@dataclass(frozen=True)
class DemoDatabase:
    """The shared demo: its SQLite file and the folders beside it."""

    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / "monitor.db"

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    @property
    def cache(self) -> Path:
        """Where `monitor.engine.cache.default_cache_dir` puts this database's protected set and results
        (beside the file), and where the report tests keep their chart PNGs."""
        return self.folder / "cache"

    @property
    def files(self) -> Path:
        """The demo export files the first run wrote (data/demo/ of the working folder)."""
        return self.folder / "data" / "demo"

    @property
    def first_run_output(self) -> str:
        """What the first run printed (the same lines `monitor serve` prints on a new database)."""
        return (self.folder / "first-run.log").read_text(encoding="utf-8")


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """The folder every worker of this run can see: the base temporary directory's parent under xdist
    (each worker has its own basetemp below it), the base temporary directory otherwise."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock` (released by the kernel if the holder dies). Without fcntl
    (Windows) the workers do not share: each builds its own copy, which is slower but correct."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(folder: Path) -> None:
    """The first run of `monitor serve` on a new database: the demo export files into data/demo/ of the
    working folder, their import, then the protected public tables."""
    from monitor.cli.serve import prepare_database

    folder.mkdir(parents=True, exist_ok=True)
    output = io.StringIO()
    cwd, cache_env = Path.cwd(), os.environ.pop("MONITOR_CACHE_DIR", None)  # the set goes beside the file
    os.chdir(folder)  # run_demo writes data/demo/ under the working folder, as for a user
    try:
        with contextlib.redirect_stdout(output):
            prepare_database(DemoDatabase(folder).url, ROOT)
    finally:
        os.chdir(cwd)
        if cache_env is not None:
            os.environ["MONITOR_CACHE_DIR"] = cache_env
    (folder / "first-run.log").write_text(output.getvalue(), encoding="utf-8")
    (folder / _READY).touch()


def _folder(factory: pytest.TempPathFactory) -> Path:
    name = "shared-demo" if sys.platform != "win32" else f"shared-demo-{os.getpid()}"
    return shared_root(factory) / name


def _build_once(folder: Path) -> None:
    """Build the demo into `folder` unless it is there, holding its lock (one builder at a time)."""
    with exclusive(folder.with_name(f"{folder.name}.lock")):
        if not (folder / _READY).exists():
            if folder.exists():  # a build interrupted by a crashed worker
                shutil.rmtree(folder)
            _build(folder)


def shared_demo(factory: pytest.TempPathFactory) -> DemoDatabase:
    """The session's demo database, built by whichever worker asks first (or by `start_build`)."""
    folder = _folder(factory)
    _build_once(folder)
    return DemoDatabase(folder)


def start_build(factory: pytest.TempPathFactory) -> subprocess.Popen[bytes] | None:
    """Start building the session's demo in a process of its own, at once, so no worker waits for it:
    the workers run the tests that do not read it meanwhile (conftest orders those first). The first
    worker to get here starts it; a worker that asks for the demo before it is done waits on the lock
    as before, and if the process failed, the worker builds the demo itself (and shows why it fails)."""
    folder = _folder(factory)
    try:
        started = os.open(folder.with_name(f"{folder.name}.started"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return None
    os.close(started)
    if (folder / _READY).exists():
        return None
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with folder.with_name(f"{folder.name}.build.log").open("wb") as log:
        return subprocess.Popen([sys.executable, "-c", f"import demo_kit; demo_kit._build_once(demo_kit.Path({str(folder)!r}))"],
                                cwd=Path(__file__).parent, env=environment, stdout=log, stderr=subprocess.STDOUT)


def uses_demo(item: pytest.Item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


def copy_demo(demo: DemoDatabase, target: Path) -> str:
    """A private copy of the demo database at `target` (a folder) for a test that writes; returns its URL."""
    from monitor.store import db as store_db

    target.mkdir(parents=True, exist_ok=True)
    path = target / "monitor.db"
    with contextlib.closing(sqlite3.connect(demo.path)) as source, contextlib.closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    url = f"sqlite:///{path}"
    carry_protected_set(demo, store_db.connect(url), fallback=target / "cache")
    return url


def carry_protected_set(demo: DemoDatabase, engine: Any, framework: Any = None, fallback: Path | None = None) -> None:
    """Store the demo's protected set under the key `engine` and `framework` (default: the shipped one) read
    it by, where their readers look. Only for the same rows (a copy of the demo) and a framework whose
    definitions equal the shipped ones (a changed label): the set is a function of those two alone."""
    from monitor.engine.cache import default_cache_dir
    from monitor.framework.loader import framework_or_raise
    from monitor.privacy.protect import set_key
    from monitor.store import db as store_db

    source_key = set_key(store_db.connect(demo.url), framework_or_raise(ROOT))
    key = set_key(engine, framework if framework is not None else framework_or_raise(ROOT))
    cache = default_cache_dir(engine) or fallback
    assert cache is not None
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    for suffix in ("", "-audit"):
        stored = demo.cache / f"protected-{source_key}{suffix}.parquet"
        if stored.is_file():  # a missing file only means the copy builds its own set
            shutil.copyfile(stored, cache / f"protected-{key}{suffix}.parquet")
