"""`monitor serve`: open the dashboard (and, on a first run, create the database with the demo)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.app import DbOption, FrameworkOption, app, db_url, load

APP = Path(__file__).resolve().parents[3] / "app.py"
# What Streamlit runs: app.py behind the middleware that serves Streamlit's bundles compressed from
# memory and preloads a page's bundles (monitor.dashboard.assets, #13 item 6).
SERVER = APP.parent / "server.py"


def streamlit_command(port: int, headless: bool, address: str | None = None) -> list[str]:
    command = [
        sys.executable, "-m", "streamlit", "run", str(SERVER),
        "--server.port", str(port),
        "--server.headless", "true" if headless else "false",
        "--client.toolbarMode", "minimal",
        "--browser.gatherUsageStats", "false",
    ]
    if address:
        command += ["--server.address", address]
    return command


def prepare_database(url: str, framework_dir: Path | None) -> None:
    """Create the database and load the synthetic demo when it holds no answers (a new user's first run)."""
    from monitor import demo
    from monitor.cli.privacy import prepare_public_tables
    from monitor.store.db import connect

    engine = connect(url)
    fw = load(framework_dir)
    if demo.has_responses(engine) or demo.real_imports(engine):
        prepare_public_tables(engine, fw)  # stale after a change made outside the dashboard: built once, here
        return
    typer.echo("Перший запуск: створюю базу й завантажую демонстраційні (синтетичні) дані…")
    typer.echo("First run: creating the database and loading the synthetic demo data…")

    def progress(survey_id: str, report) -> None:  # type: ignore[no-untyped-def]
        typer.echo(f"  {survey_id}: {report.accepted} / {report.rows}")

    demo.run_demo(engine, fw, progress=progress)
    from monitor.oversight.demo_loop import load_demo_loop

    load_demo_loop(engine, fw)  # the oversight loop of both rounds, as `monitor demo` loads it
    prepare_public_tables(engine, fw)
    typer.echo("Готово / Done.")


def skip_email_prompt() -> None:
    """Streamlit asks for an e-mail on its very first (non-headless) run and waits on stdin, which
    blocks a new user's first `monitor serve`. Answer it as a blank answer would: an empty e-mail."""
    credentials = Path.home() / ".streamlit" / "credentials.toml"
    if not credentials.exists():
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text('[general]\nemail = ""\n', encoding="utf-8")


def absolute(url: str) -> str:
    """A SQLite URL with a relative file made absolute: the dashboard runs in the app's folder, not here,
    and would otherwise open (and create) another, empty database there."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database
    if not parsed.drivername.startswith("sqlite") or not database or database == ":memory:" \
            or database.startswith("file:") or Path(database).is_absolute():
        return url
    return parsed.set(database=str(Path(database).resolve())).render_as_string(hide_password=False)


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option("--port", help="Port / порт")] = 8501,
    headless: Annotated[bool, typer.Option("--headless", help="Do not open a browser / не відкривати браузер")] = False,
    address: Annotated[
        str | None,
        typer.Option("--address", help="Address to listen on; 0.0.0.0 shares it on the network / адреса"),
    ] = "127.0.0.1",
    db: DbOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Open the dashboard / Відкрити дашборд (http://localhost:8501)."""
    url = absolute(db_url(db))
    prepare_database(url, framework)
    env = dict(os.environ)
    env["MONITOR_DB"] = url
    if framework is not None:
        env["MONITOR_FRAMEWORK"] = str(Path(framework).resolve())
    typer.echo(f"http://localhost:{port}")
    command = streamlit_command(port, headless, address)
    if not headless:
        skip_email_prompt()
    if os.name == "posix":
        # Become the server: Ctrl+C and a supervisor's SIGTERM reach streamlit itself, and no
        # orphaned server is left behind when this process is stopped.
        os.chdir(APP.parent)
        os.execve(sys.executable, command, env)
    try:
        code = subprocess.call(command, env=env, cwd=str(APP.parent))
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)
