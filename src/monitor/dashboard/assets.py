"""Streamlit's own static bundles, served compressed from memory and fetched early (#13 item 6).

Streamlit (1.67) deliberately serves `/static/` uncompressed (its SelectiveGZipMiddleware bypasses
it: compressing on every request costs the server CPU) and reads every file through worker
threads, 64 KB at a time. On this dashboard's small server the page's script runs in the same
process, so those threads wait for the interpreter lock while the script runs: the lazily loaded
bundles (Plotly alone is 4.7 MB) arrive only after the script is over. And they are asked for only
once the first element that needs them arrives, as index.html preloads just the core.

`StaticAssets`, an ASGI middleware in front of Streamlit (`server.py` at the project root, run by
`monitor serve`):

- reads every file of Streamlit's static folder once, at start-up, and keeps it in memory, gzipped
  once (the bytes a browser asking for gzip gets: Plotly's 4.7 MB become 1.4 MB), so a request
  costs one send, no thread and no compression;
- adds `<link rel="modulepreload">` for the element bundles a page draws (and the modules they
  import) to the HTML page, so the browser fetches them while it starts, not after the script ran.

Only files listed from the static folder at start-up are served (a request names a dict key, never
a path on disk); everything else, and every non-GET request, goes to Streamlit unchanged.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

YEAR = 365 * 24 * 60 * 60
# Smaller files are sent as they are: gzip's header costs more than it saves.
MIN_GZIP_BYTES = 1024
_IMPORT = re.compile(rb'(?:from|import)\s*"\./([\w.\-]+\.js)"')

# The element bundles each page draws on its first run (Streamlit's chunk names without their hash),
# by the page's URL path. Every page has the sidebar's radio and selectboxes; pages with charts add
# Plotly. An unknown path gets the common set.
# A page that shows a data grid on opening (the overview's change table, the cascade's steps, the data
# page's imports) gets DataFrame as well; the grids behind charts wait for their panel to be opened.
COMMON = ("Radio", "Selectbox", "Html", "Button")
CHARTS = ("PlotlyChart",)
OVERVIEW = (*COMMON, *CHARTS, "DataFrame", "Metric")
PAGE_BUNDLES: dict[str, tuple[str, ...]] = {
    "": OVERVIEW,
    "home": OVERVIEW,
    "overview": OVERVIEW,
    "indicator": (*COMMON, *CHARTS),
    "cascade": (*COMMON, *CHARTS, "DataFrame"),
    "data": (*COMMON, *CHARTS, "DataFrame"),
    "hromada": (*COMMON, "Table"),
    "oversight": (*COMMON, "DataFrame"),
    "reports": (*COMMON, "Multiselect"),
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: str
    cache_control: str


def static_dir() -> Path:
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


def load_assets(root: Path) -> dict[str, Asset]:
    """Every regular file under `root` by its URL path ('/static/js/x.js'); hashed bundles immutable."""
    assets: dict[str, Asset] = {}
    for folder, _, names in os.walk(root / "static"):
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            body = path.read_bytes()
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in (
                "application/javascript",
                "application/json",
                "image/svg+xml",
            ):
                kind = f"{kind}; charset=utf-8" if "charset" not in kind else kind
            packed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= MIN_GZIP_BYTES else None
            compressible = packed is not None and len(packed) < len(body) * 0.9
            assets["/" + path.relative_to(root).as_posix()] = Asset(
                body, packed if compressible else None, kind, f"public, immutable, max-age={YEAR}"
            )
    return assets


def bundle_files(assets: dict[str, Asset], names: Iterable[str]) -> dict[str, str]:
    """Chunk name → its file ('PlotlyChart' → 'PlotlyChart.D9Z0_fxz.js'), for this Streamlit build."""
    files: dict[str, str] = {}
    for url in assets:
        if not url.startswith("/static/js/"):
            continue
        file = url.rsplit("/", 1)[1]
        stem = file.split(".", 1)[0]
        if stem in names and file.count(".") == 2:
            files[stem] = file
    return files


def module_closure(assets: dict[str, Asset], entries: Iterable[str]) -> list[str]:
    """The entry modules and every module they import statically, entries first."""
    seen: list[str] = []
    queue = list(entries)
    while queue:
        file = queue.pop(0)
        if file in seen:
            continue
        asset = assets.get(f"/static/js/{file}")
        if asset is None:
            continue
        seen.append(file)
        queue.extend(m.decode() for m in _IMPORT.findall(asset.body))
    return seen


def preload_links(assets: dict[str, Asset], index_html: bytes, bundles: Iterable[str]) -> bytes:
    """`<link rel="modulepreload">` lines for the bundles and their imports that index.html lacks."""
    files = bundle_files(assets, set(bundles))
    wanted = module_closure(assets, [files[b] for b in bundles if b in files])
    lines = [
        f'<link rel="modulepreload" crossorigin href="./static/js/{file}">'
        for file in wanted
        if f"./static/js/{file}".encode() not in index_html
    ]
    return "\n    ".join(lines).encode()


def warm_plotly(assets: dict[str, Asset], bundles: Iterable[str]) -> bytes:
    """A script that starts Plotly's bundle as soon as the page has asked the server for its script.

    Evaluating plotly.js takes the browser's main thread about a second on this machine. Streamlit
    imports it only when the first chart element has arrived, so that second comes after the script
    has run. Started when the page sends its first message on the websocket (the rerun request), it
    overlaps with the server running the script instead. The hook restores `send` on its first call;
    the later import of the same URL by Streamlit gets the module already evaluated."""
    files = bundle_files(assets, {"PlotlyChart"})
    if "PlotlyChart" not in bundles or "PlotlyChart" not in files:
        return b""
    url = f"./static/js/{files['PlotlyChart']}"
    return (
        "<script>(() => { const proto = WebSocket.prototype, send = proto.send;"
        " proto.send = function (data) { proto.send = send; send.call(this, data);"
        f' setTimeout(() => import("{url}"), 0); }}; }})();</script>'
    ).encode()


def base_url_hint(page: str) -> bytes:
    """A script that tells Streamlit's page where its server is, so a deep link does not probe for it.

    Opened at `/hromada`, Streamlit's frontend first asks `/hromada/_stcore/health` and
    `/hromada/_stcore/host-config` (two 404s) and only then `/_stcore/...`: a round trip and a retry
    delay, 0.1–0.2 s, before the websocket opens. `window.__streamlit.BACKEND_BASE_URL` (its embedding
    setting, read once at start-up; `test_assets` checks that the installed build still reads it) names
    the base directly. It is derived from the address bar, so a reverse proxy's path prefix is kept:
    the base is the location without the page's own path."""
    if not page:
        return b""
    return (
        '<script>(() => { const page = "/' + page + '", path = location.pathname.replace(/\\/+$/, "");'
        " if (path.endsWith(page) && !window.__streamlit) window.__streamlit ="
        " { BACKEND_BASE_URL: location.origin + path.slice(0, -page.length) + \"/\" }; })();</script>"
    ).encode()


def accepts_gzip(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept-encoding":
            return b"gzip" in value.lower()
    return False


def page_key(path: str) -> str:
    return path.strip("/").split("/", 1)[0]


class StaticAssets:
    """ASGI middleware: Streamlit's static files from memory (gzip when asked), page HTML with preloads."""

    def __init__(
        self, app: ASGIApp, root: Path | None = None, pages: dict[str, tuple[str, ...]] | None = None
    ) -> None:
        self.app = app
        self.root = root or static_dir()
        self.assets = load_assets(self.root)
        index = self.index = (self.root / "index.html").read_bytes()
        self.pages: dict[str, bytes] = {}
        for key, bundles in (pages or PAGE_BUNDLES).items():
            links = b"\n    ".join(
                part
                for part in (base_url_hint(key), preload_links(self.assets, index, bundles), warm_plotly(self.assets, bundles))
                if part
            )
            self.pages[key] = index.replace(b"</head>", links + b"\n  </head>", 1) if links else index
        self.fallback = self.pages.get("oversight", index)
        # Each page's HTML gzipped once, for the browsers that ask (all of them).
        self.packed = {page: gzip.compress(body, compresslevel=6, mtime=0) for page, body in self.pages.items()}
        self.packed_fallback = gzip.compress(self.fallback, compresslevel=6, mtime=0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        asset = self.assets.get(path)
        if asset is not None:
            await self._send_asset(scope, send, asset)
            return
        if (
            scope.get("method") != "GET"
            or path.startswith(("/static/", "/media/", "/component/"))
            or "/_stcore/" in path
        ):
            await self.app(scope, receive, send)
            return
        await self._with_preloads(scope, receive, send)

    async def _send_asset(self, scope: Scope, send: Send, asset: Asset) -> None:
        packed = asset.gzipped is not None and accepts_gzip(scope)
        body = asset.gzipped if packed and asset.gzipped is not None else asset.body
        headers = [
            (b"content-type", asset.content_type.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", asset.cache_control.encode()),
            (b"vary", b"Accept-Encoding"),
        ]
        if packed:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})

    async def _with_preloads(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Streamlit answers a page's URL with index.html: the page's preload links are added to it.

        Streamlit is asked for the page uncompressed: its gzip middleware compresses HTML for any
        browser that accepts gzip (every browser does), and a compressed page cannot be recognised or
        given its preloads, so they would reach only clients that never ask for gzip. The page with its
        preloads is compressed here instead, once per page.
        """
        gzip_ok = accepts_gzip(scope)
        plain_scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers", ()) if k != b"accept-encoding"]}
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", ()))
                is_html = headers.get(b"content-type", b"").startswith(b"text/html")
                if message.get("status") != 200 or not is_html or b"content-encoding" in headers:
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", ()) if k not in (b"content-length", b"vary")]
            headers.append((b"vary", b"Accept-Encoding"))
            if body == self.index:  # Streamlit's page (not some other HTML): the same page with its preloads
                key = page_key(scope.get("path", ""))
                if gzip_ok:
                    body = self.packed.get(key, self.packed_fallback)
                    headers.append((b"content-encoding", b"gzip"))
                else:
                    body = self.pages.get(key, self.fallback)
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(plain_scope, receive, capture)
