"""A real dashboard server (through `monitor serve`) on the shared demo database, and the Debian chromium
driven by Playwright. Never a downloaded browser: chromium is /usr/bin/chromium.

The shared demo (tests/demo_kit.py) is built by the same first-run code `monitor serve` runs on a new
database (tests/dashboard/test_server_config.py checks that run), so the server starts on a database
that already holds the demo and its protected set, as on a user's second start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base: str, process: subprocess.Popen, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the dashboard server did not become healthy")


def start_server(db_url: str, workdir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`monitor serve` on a free port; the caller terminates it."""
    port = free_port()
    env = {**os.environ, "MONITOR_FRAMEWORK": str(ROOT)}
    command = [sys.executable, "-c", "from monitor.cli import main; main()", "serve", "--headless", "--port", str(port),
               "--address", "127.0.0.1", "--db", db_url]
    handle = log.open("w")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=handle, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
    except Exception:
        process.terminate()
        raise
    return process, base


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("CI=true but /usr/bin/chromium is missing: .ci/run must install the Debian chromium")
        pytest.skip("the Debian chromium (/usr/bin/chromium) is not installed")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str, demo_url: str) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("e2e")
    process, base = start_server(demo_url, workdir, workdir / "server.log")
    yield base
    stop_server(process)


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


TAB_VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    """A fresh Ukrainian-speaking tab of a 1280×900 screen."""
    context = browser.new_context(viewport=TAB_VIEWPORT, locale="uk-UA")
    page = context.new_page()
    yield page
    context.close()

