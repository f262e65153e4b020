"""monitor.dashboard.assets: Streamlit's static files from memory, gzipped when the browser asks, and a
page's bundles preloaded in its HTML; everything else reaches Streamlit unchanged (#13 item 6)."""

from __future__ import annotations

import asyncio
import gzip
import os
from pathlib import Path
from typing import Any

import pytest

from monitor.dashboard.assets import PAGE_BUNDLES, StaticAssets, bundle_files, load_assets, static_dir

INDEX = b"""<!DOCTYPE html><html><head><title>Streamlit</title>
<script type="module" crossorigin src="./static/js/index.AAAA.js"></script>
<link rel="modulepreload" crossorigin href="./static/js/core.BBBB.js">
</head><body></body></html>"""


def fake_static(root: Path) -> Path:
    js = root / "static" / "js"
    js.mkdir(parents=True)
    (root / "index.html").write_bytes(INDEX)
    (js / "index.AAAA.js").write_text('import"./core.BBBB.js";' + "x" * 4000)
    (js / "core.BBBB.js").write_text("export const core=1;" + "y" * 4000)
    (js / "Selectbox.CCCC.js").write_text(
        'import{a}from"./core.BBBB.js";import{b}from"./useField.DDDD.js";' + "z" * 4000
    )
    (js / "useField.DDDD.js").write_text('import"./deep.EEEE.js";export const b=2;')
    (js / "deep.EEEE.js").write_text("export const d=3;")
    (js / "PlotlyChart.FFFF.js").write_text("export const p=4;" + "p" * 5000)
    (root / "static" / "media").mkdir()
    (root / "static" / "media" / "font.woff2").write_bytes(os.urandom(4096))  # already compressed
    return root


class Streamlit:
    """The inner app: index.html for any page path (its SPA fallback), a marker for everything else.

    As Streamlit's own gzip middleware does, it compresses HTML for a request that accepts gzip (the
    preloads once reached only clients that never ask for gzip, which no browser is)."""

    def __init__(self) -> None:
        self.paths: list[tuple[str, str]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.paths.append((scope["method"], scope["path"]))
        html = scope["path"] in ("/", "/hromada", "/indicator", "/unknown-page")
        body = INDEX if html else b"from streamlit"
        kind = b"text/html; charset=utf-8" if html else b"text/plain"
        headers = [(b"content-type", kind)]
        if html and any(k == b"accept-encoding" and b"gzip" in v for k, v in scope["headers"]):
            body = gzip.compress(body)
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def request(
    app: Any, path: str, method: str = "GET", gzip_ok: bool = True
) -> tuple[int, dict[bytes, bytes], bytes]:
    headers = [(b"accept-encoding", b"gzip, deflate, br")] if gzip_ok else []
    scope = {"type": "http", "method": method, "path": path, "headers": headers, "query_string": b""}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


@pytest.fixture
def served(tmp_path: Path) -> tuple[StaticAssets, Streamlit, Path]:
    root = fake_static(tmp_path)
    inner = Streamlit()
    pages = {"": ("PlotlyChart", "Selectbox"), "hromada": ("Selectbox",)}
    return StaticAssets(inner, root=root, pages=pages), inner, root


def test_a_bundle_is_sent_gzipped_from_memory_when_the_browser_asks(
    served: tuple[StaticAssets, Streamlit, Path],
) -> None:
    app, inner, root = served
    original = (root / "static" / "js" / "PlotlyChart.FFFF.js").read_bytes()
    status, headers, body = request(app, "/static/js/PlotlyChart.FFFF.js")
    assert status == 200 and headers[b"content-encoding"] == b"gzip" and gzip.decompress(body) == original
    assert int(headers[b"content-length"]) == len(body) < len(original) / 5
    assert headers[b"cache-control"] == b"public, immutable, max-age=31536000"
    assert headers[b"vary"] == b"Accept-Encoding" and headers[b"content-type"].startswith(b"text/javascript")
    status, headers, body = request(app, "/static/js/PlotlyChart.FFFF.js", gzip_ok=False)
    assert body == original and b"content-encoding" not in headers
    assert inner.paths == []  # served without Streamlit (no file thread, no compression per request)


def test_what_gzip_does_not_shrink_or_is_tiny_is_sent_as_it_is(
    served: tuple[StaticAssets, Streamlit, Path],
) -> None:
    app, _, root = served
    for path in ("/static/media/font.woff2", "/static/js/deep.EEEE.js"):
        _, headers, body = request(app, path)
        assert b"content-encoding" not in headers and body == (root / path.lstrip("/")).read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/static/js/missing.js",
        "/static/js/../../index.html",
        "/static//js/deep.EEEE.js",
        "/_stcore/health",
        "/hromada/_stcore/host-config",
        "/media/abc.png",
    ],
)
def test_anything_not_listed_at_start_up_goes_to_streamlit(
    served: tuple[StaticAssets, Streamlit, Path], path: str
) -> None:
    app, inner, _ = served
    assert request(app, path)[2] == b"from streamlit"
    assert inner.paths == [("GET", path)]


def page(app: Any, path: str, gzip_ok: bool = True) -> tuple[int, dict[bytes, bytes], bytes]:
    """A page's HTML as the browser reads it (gunzipped when it came compressed)."""
    status, headers, body = request(app, path, gzip_ok=gzip_ok)
    assert int(headers[b"content-length"]) == len(body)
    if headers.get(b"content-encoding") == b"gzip":
        body = gzip.decompress(body)
    return status, headers, body


@pytest.mark.parametrize("gzip_ok", [True, False], ids=["browser-asks-gzip", "no-gzip"])
def test_a_page_gets_its_bundles_and_their_imports_preloaded_once(
    served: tuple[StaticAssets, Streamlit, Path], gzip_ok: bool
) -> None:
    app, _, _ = served
    status, headers, body = page(app, "/hromada", gzip_ok)
    assert status == 200 and (headers.get(b"content-encoding") == b"gzip") == gzip_ok
    assert headers[b"vary"] == b"Accept-Encoding"
    for module in ("Selectbox.CCCC.js", "useField.DDDD.js", "deep.EEEE.js"):  # the bundle and what it imports
        assert body.count(f'<link rel="modulepreload" crossorigin href="./static/js/{module}">'.encode()) == 1
    assert body.count(b"core.BBBB.js") == 1  # index.html preloads it already
    assert b"PlotlyChart" not in body  # the profile draws no chart: 4.7 MB it does not need
    _, _, root_page = page(app, "/", gzip_ok)
    assert b"PlotlyChart.FFFF.js" in root_page and b"Selectbox.CCCC.js" in root_page
    assert page(app, "/unknown-page", gzip_ok)[2] == INDEX  # a path of no page: Streamlit's page as it is


def test_streamlit_is_asked_for_the_page_uncompressed(served: tuple[StaticAssets, Streamlit, Path]) -> None:
    """A compressed index.html cannot be recognised or given its preloads: the middleware compresses it."""
    app, inner, _ = served
    seen: list[Any] = []
    original = inner.__call__

    async def spy(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["headers"])
        await original(scope, receive, send)

    app.app = spy
    request(app, "/hromada")
    assert seen and all(k != b"accept-encoding" for k, _ in seen[0])


def test_other_methods_and_other_html_pass_unchanged(served: tuple[StaticAssets, Streamlit, Path]) -> None:
    app, inner, _ = served
    assert request(app, "/static/js/deep.EEEE.js", method="POST")[2] == b"from streamlit"
    assert request(app, "/hromada", method="HEAD", gzip_ok=False)[2] == INDEX
    assert inner.paths == [("POST", "/static/js/deep.EEEE.js"), ("HEAD", "/hromada")]


def test_every_bundle_a_page_names_exists_in_the_installed_streamlit() -> None:
    """Chunk names come from Streamlit's build: an upgrade that renames one fails here, not silently."""
    assets = load_assets(static_dir())
    wanted = {name for names in PAGE_BUNDLES.values() for name in names}
    assert set(bundle_files(assets, wanted)) == wanted


def test_a_deep_link_names_its_server_and_the_root_page_does_not(served: tuple[StaticAssets, Streamlit, Path]) -> None:
    app, _, _ = served
    deep = page(app, "/hromada")[2]
    assert b'const page = "/hromada"' in deep and b"BACKEND_BASE_URL" in deep
    # Before the page's own module runs: a classic script in the head runs while parsing, modules after.
    assert deep.index(b"BACKEND_BASE_URL") < deep.index(b"</head>")
    assert b"BACKEND_BASE_URL" not in page(app, "/")[2]


def test_plotly_is_started_only_where_a_page_draws_charts(served: tuple[StaticAssets, Streamlit, Path]) -> None:
    app, _, _ = served
    assert b'import("./static/js/PlotlyChart.FFFF.js")' in page(app, "/")[2]
    assert b"WebSocket.prototype" not in page(app, "/hromada")[2]


def test_the_installed_streamlit_reads_the_settings_the_hints_rely_on() -> None:
    """The hint names `window.__streamlit.BACKEND_BASE_URL` and the warm-up waits for the websocket's first
    `send`: an upgrade of Streamlit's frontend that drops either fails here, not silently in a browser."""
    import re

    html = (static_dir() / "index.html").read_text(encoding="utf-8")
    entry = re.search(r'<script type="module" crossorigin src="\./(static/js/index\.[\w-]+\.js)"', html)
    assert entry, "index.html names no entry module"
    index = (static_dir() / entry.group(1)).read_text(encoding="utf-8")
    assert "window.__streamlit" in index and "BACKEND_BASE_URL" in index and "_stcore/health" in index
    assert "WebSocket(" in index or "new WebSocket" in index
