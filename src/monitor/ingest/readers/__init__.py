"""Readers: any export a monitor brings becomes one RawTable (plus child tables for repeats).

`read_export(path)` looks at the bytes, not the extension: a CSV saved as .xlsx, or an XLSX saved as
.csv, is read for what it is. Every failure is a MonitorError with a bilingual issue.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import MonitorError, issue
from monitor.ingest.readers import limits as caps
from monitor.ingest.readers.flavour import detect
from monitor.ingest.readers.odk import read_odk_zip
from monitor.ingest.readers.stream import TextStream, open_text_stream
from monitor.ingest.readers.table import RawTable, spreadsheet_column
from monitor.ingest.readers.text import parse_text
from monitor.ingest.readers.xlsx import read_xlsx

__all__ = ["RawTable", "Reader", "TextStream", "read_export", "register_reader", "spreadsheet_column", "stream_export"]

# Magic numbers of files people attach by mistake.
SIGNATURES = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\xd0\xcf\x11\xe0": "old Excel/Word (.xls/.doc)",
    b"Rar!": "RAR archive",
    b"7z\xbc\xaf": "7-Zip archive",
    b"\x1f\x8b": "gzip archive",
    b"SQLite format 3": "SQLite database",
}


@dataclass(frozen=True)
class Reader:
    """One more export format (CONTRIBUTING.md, "an import format").

    `accepts(path, head)` looks at the file's name and first bytes (up to 512); `read(path, name, cap)`
    returns the cells as a RawTable and raises MonitorError with a catalogue issue for a bad file.
    Everything after reading (sanitising, mapping, validation, the transaction) is the same as for
    the built-in formats.
    """

    format: str
    accepts: Callable[[Path, bytes], bool]
    read: Callable[[Path, str, caps.Limits], RawTable]


# Registered readers, tried in order before the built-in ones.
READERS: list[Reader] = []


def register_reader(reader: Reader) -> None:
    """Make `read_export` try `reader` first; registering a format again replaces the earlier reader."""
    READERS[:] = [r for r in READERS if r.format != reader.format]
    READERS.append(reader)


def read_export(path: Path | str, cap: caps.Limits | None = None, name: str | None = None) -> RawTable:
    """The export as a RawTable; every cap of `limits.py` is checked before the expensive step.

    `name` is how messages call the file (the import passes the name with personal data withheld).
    """
    path, name, cap, head = _open(path, cap, name)
    registered = next((r for r in READERS if r.accepts(path, head)), None)
    if registered is not None:
        table = registered.read(path, name, cap)
    elif head.startswith(b"PK"):
        table = _read_zip(path, name, cap)
    else:
        table = parse_text(path.read_bytes(), name, cap=cap)
    return _finish(table, name)


def stream_export(path: Path | str, chunk_rows: int, cap: caps.Limits | None = None,
                  name: str | None = None) -> TextStream | None:
    """A UTF-8 delimited-text export to read `chunk_rows` at a time (same caps, same cells and the same
    RawTables as `read_export`, only in pieces), or None for any other file: read it with `read_export`."""
    path, name, cap, head = _open(path, cap, name)
    if head.startswith(b"PK") or any(r.accepts(path, head) for r in READERS):
        return None
    stream = open_text_stream(path, name, cap, chunk_rows)
    if stream is not None:
        stream.finish = lambda table: _finish(table, name)
    return stream


def _open(path: Path | str, cap: caps.Limits | None, name: str | None) -> tuple[Path, str, caps.Limits, bytes]:
    """The checks every reader shares: the file exists, is within the size cap and is not a known
    non-export (a PDF, an image, an archive); returns its first 512 bytes."""
    path = Path(path)
    name = name or path.name
    cap = cap or caps.limits()
    if not path.is_file():
        raise MonitorError(issue("ingest-file-not-found", path=name, file=str(path)))
    caps.check_size(name, path.stat().st_size, cap)
    with path.open("rb") as handle:
        head = handle.read(512)
    for magic, kind in SIGNATURES.items():
        if head.startswith(magic):
            raise MonitorError(issue("ingest-unsupported-format", path=name, found=kind))
    return path, name, cap, head


def _finish(table: RawTable, name: str) -> RawTable:
    table.name = name
    for part in (table, *table.children.values()):
        _sanitise(part)
    flavour = detect(table.columns)
    container = "zip" if table.format == "odk-zip" else table.format
    if container == "zip":
        table.format = "odk-zip"
    elif flavour == "plain":
        table.format = container
    else:
        table.format = f"{flavour}-{container}"
    return table


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _sanitise(table: RawTable) -> None:
    """Headers without control characters (an escape sequence in a header must not reach a terminal),
    and no NUL in any cell: PostgreSQL cannot store one and SQLite would, so both get the same text."""
    table.columns = [_CONTROL.sub("", header).strip() for header in table.columns]
    for column in table.rows.columns:
        cells = table.rows[column]
        if cells.str.contains("\x00", regex=False).any():
            table.rows[column] = cells.str.replace("\x00", "", regex=False)


def _read_zip(path: Path, name: str, cap: caps.Limits) -> RawTable:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        # Starts like a zip but its directory is gone: typically a truncated XLSX download.
        raise MonitorError(issue("ingest-xlsx-corrupt", path=name, detail="truncated or damaged zip container",
                                 detail_uk="обрізаний або пошкоджений zip-контейнер")) from None
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names:
            return read_xlsx(path, name, cap)
        if "word/document.xml" in names:
            raise MonitorError(issue("ingest-unsupported-format", path=name, found="Word (.docx)"))
        if "content.xml" in names and "mimetype" in names:
            raise MonitorError(issue("ingest-unsupported-format", path=name, found="OpenDocument"))
        return read_odk_zip(archive, name, cap)
