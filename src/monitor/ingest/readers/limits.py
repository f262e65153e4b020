"""What one export may cost to read, checked before the expensive step.

A hostile or broken file must be refused with a clear message while it is still cheap: before pandas
tokenises a line, before calamine unpacks a sheet into a dense grid, before a zip member is inflated.
Every cap below is checked on the bytes as they stream by (never the whole file in memory at once for
zip parts), and the refusal is `ingest-too-big` naming the file, the cap and what to do.

Caps (one export file; environment variables override the two sizes):

| cap | default | why |
|---|---|---|
| file size | 200 MB (`MONITOR_MAX_IMPORT_MB`) | a 100,000-row Kobo export is about 50 MB |
| unpacked size of one zip / XLSX part | the file size cap × 4, at most 1 GiB (`MONITOR_MAX_UNZIPPED_MB`) | XML is about 10x its deflated size; a CSV member counts like a CSV file |
| unpacked size of all parts | the same | zip bombs |
| zip members | 1,000 | an XLSX has about 10; an ODK zip one per repeat |
| rows | 1,048,576 | Excel's own limit |
| columns | 5,000 | a Kobo export with every select_multiple split into 0/1 columns stays far below |
| cells of a sheet's used range (rows × columns) | 60,000,000 | calamine builds the whole range in memory |
| one cell | 32,767 characters | Excel's own limit |
| one line of a CSV | 4 MiB | a row of 5,000 columns with long answers |
| shared strings of an XLSX | 2,000,000 | one per distinct text; more than the rows cap is never needed twice over |
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from monitor.errors import MonitorError, issue

MB = 1024 * 1024
CHUNK = 1 << 20


def _env_mb(name: str, default: float) -> int:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        value = default
    return int(max(value, 0.001) * MB)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * MB
    max_part: int = 800 * MB
    max_unzipped: int = 800 * MB
    max_members: int = 1_000
    max_rows: int = 1_048_576
    max_columns: int = 5_000
    max_cells: int = 60_000_000
    max_cell: int = 32_767
    max_line: int = 4 * MB
    max_shared_strings: int = 2_000_000

    @classmethod
    def from_env(cls) -> Limits:
        size = _env_mb("MONITOR_MAX_IMPORT_MB", 200)
        unzipped = _env_mb("MONITOR_MAX_UNZIPPED_MB", min(size * 4, 1024 * MB) / MB)
        return cls(max_bytes=size, max_part=unzipped, max_unzipped=unzipped)


def limits() -> Limits:
    return Limits.from_env()


def refuse(name: str, what_en: str, what_uk: str, found: str, limit: str) -> MonitorError:
    return MonitorError(issue("ingest-too-big", path=name, what=what_en, what_uk=what_uk, found=found, limit=limit))


def _mb(value: int) -> str:
    return f"{value / MB:,.1f} MB"


def check_size(name: str, size: int, cap: Limits) -> None:
    if size > cap.max_bytes:
        raise refuse(name, "the file", "файл", _mb(size), _mb(cap.max_bytes))


# ------------------------------------------------------------------------------------------ text


def check_text(name: str, data: bytes, cap: Limits) -> None:
    """Line length, header width and row count of delimited text, on the raw bytes (before decoding)."""
    check_size(name, len(data), cap)
    view = memoryview(data)
    check_lines(name, LineStats.of(view[i:i + 16 * CHUNK] for i in range(0, len(data), 16 * CHUNK)), cap)
    end = data.find(b"\n")
    check_header(name, data if end < 0 else data[:end], cap)


def check_lines(name: str, stats: LineStats, cap: Limits) -> None:
    if stats.longest > cap.max_line:
        raise refuse(name, "one line", "один рядок", _mb(stats.longest), _mb(cap.max_line))
    if stats.lines > cap.max_rows + 1:
        raise refuse(name, "rows", "рядки", f"{stats.lines - 1:,}", f"{cap.max_rows:,}")


def check_header(name: str, header: bytes, cap: Limits) -> None:
    widest = max(header.count(sep) for sep in (b",", b";", b"\t")) + 1
    if widest > cap.max_columns:
        raise refuse(name, "columns", "стовпці", f"{widest:,}", f"{cap.max_columns:,}")


@dataclass
class LineStats:
    """Length of the longest line in bytes and the number of lines, fed block by block so that a file
    is measured without being held in memory (the streamed import reads it this way)."""

    longest: int = 0
    lines: int = 0
    _seen: int = 0  # bytes fed so far
    _start: int = 0  # offset where the current line began

    def feed(self, block: bytes | memoryview) -> None:
        array = np.frombuffer(block, dtype=np.uint8)
        ends = np.flatnonzero(array == 10) + self._seen
        if len(ends):
            gaps = np.diff(ends, prepend=self._start - 1) - 1
            self.longest = max(self.longest, int(gaps.max()))
            self._start = int(ends[-1]) + 1
            self.lines += len(ends)
        self._seen += len(array)

    def close(self) -> LineStats:
        if self._start < self._seen:  # a last line without a newline
            self.longest = max(self.longest, self._seen - self._start)
            self.lines += 1
            self._start = self._seen
        return self

    @classmethod
    def of(cls, blocks: Iterable[bytes | memoryview]) -> LineStats:
        stats = cls()
        for block in blocks:
            stats.feed(block)
        return stats.close()


def check_cells(name: str, lengths: Iterator[int], cap: Limits) -> None:
    longest = max(lengths, default=0)
    if longest > cap.max_cell:
        raise refuse(name, "one cell", "одна клітинка", f"{longest:,}", f"{cap.max_cell:,}")


# ------------------------------------------------------------------------------------------ zip


def check_members(name: str, archive: zipfile.ZipFile, cap: Limits) -> list[zipfile.ZipInfo]:
    """The archive's members after the count and declared-size caps (nothing is inflated yet)."""
    infos = archive.infolist()
    if len(infos) > cap.max_members:
        raise refuse(name, "files in the archive", "файли в архіві", f"{len(infos):,}", f"{cap.max_members:,}")
    total = 0
    for info in infos:
        if info.file_size > cap.max_part:
            raise refuse(name, f"'{_shown(info.filename)}' unpacked", f"'{_shown(info.filename)}' після розпакування",
                         _mb(info.file_size), _mb(cap.max_part))
        total += info.file_size
    if total > cap.max_unzipped:
        raise refuse(name, "the archive unpacked", "архів після розпакування", _mb(total), _mb(cap.max_unzipped))
    return infos


def _shown(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:80]


def stream(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The member's bytes in chunks, stopping as soon as more than `limit` came out (a size header that
    lies is caught here: the declared size is never trusted)."""
    seen = 0
    try:
        with archive.open(info) as handle:
            while block := handle.read(CHUNK):
                seen += len(block)
                if seen > limit:
                    raise refuse(name, f"'{_shown(info.filename)}' unpacked",
                                 f"'{_shown(info.filename)}' після розпакування", f"> {_mb(limit)}", _mb(limit))
                yield block
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        detail = type(error).__name__
        raise MonitorError(issue("ingest-unreadable", path=name, detail=detail, detail_uk=detail)) from None


def read_member(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    return b"".join(stream(name, archive, info, limit))


# ------------------------------------------------------------------------------------------ xlsx

_XML_SPACE = (32, 9, 10, 13)
_QUOTES = (34, 39)
RUN_WINDOW = 128 * 1024  # bytes of one text run with no markup: more than a 32,767-character cell


class SheetScan:
    """Streaming checks over one worksheet (or the shared strings) part.

    - a text run without markup longer than RUN_WINDOW: a cell beyond Excel's limit (the 300 MB string);
    - the largest row and column named by any `r="B7"` reference: calamine allocates the dense range
      from A1 to there, so one cell at XFD1048576 would cost gigabytes;
    - the number of `<row` elements and of shared strings (`<si`).
    """

    def __init__(self) -> None:
        self.run = 0
        self.rows = 0
        self.max_row = 0
        self.max_col = 0
        self.strings = 0
        self.tail = b""

    def feed(self, block: bytes) -> None:
        data = self.tail + block
        self.rows += block.count(b"<row")
        self.strings += block.count(b"<si>") + block.count(b"<si ")
        self._runs(block)
        self._refs(data)
        self.tail = data[-16:]

    def _runs(self, block: bytes) -> None:
        if self.run > RUN_WINDOW:
            return  # already too long: stays refused
        first = block.find(b"<")
        if first < 0:
            self.run += len(block)
            return
        self.run += first  # the run that started in an earlier block ends here
        if self.run > RUN_WINDOW:
            return
        last = block.rfind(b"<")
        # Between the first and last '<': any full window of RUN_WINDOW bytes without one is a run at
        # least that long (a run of twice the window always contains such a window). A few finds per MB.
        for start in range(first, last - RUN_WINDOW, RUN_WINDOW):
            if block.find(b"<", start + 1, start + 1 + RUN_WINDOW) < 0:
                self.run = RUN_WINDOW + 1
                return
        self.run = len(block) - last - 1

    def _refs(self, data: bytes) -> None:
        a = np.frombuffer(data + b"\0" * 16, dtype=np.uint8)
        n = len(data)
        if n < 5:
            return
        space = np.isin(a[: n - 3], _XML_SPACE)
        hit = space & (a[1 : n - 2] == 114) & (a[2 : n - 1] == 61) & np.isin(a[3:n], _QUOTES)
        starts = np.flatnonzero(hit) + 4
        if not len(starts):
            return
        col = np.zeros(len(starts), dtype=np.int64)
        letters = np.zeros(len(starts), dtype=np.int64)
        going = np.ones(len(starts), dtype=bool)
        for k in range(4):
            ch = a[starts + k].astype(np.int64)
            upper = going & (ch >= 65) & (ch <= 90)
            col = np.where(upper, col * 26 + (ch - 64), col)
            letters += upper
            going = upper
        row = np.zeros(len(starts), dtype=np.int64)
        going = np.ones(len(starts), dtype=bool)
        for k in range(9):
            ch = a[starts + letters + k].astype(np.int64)
            digit = going & (ch >= 48) & (ch <= 57)
            row = np.where(digit, row * 10 + (ch - 48), row)
            going = digit
        # Four letters or nine digits: beyond anything Excel can address; counted as too far.
        far = (letters >= 4) | going
        self.max_col = max(self.max_col, int(col.max()), 10**6 if far.any() else 0)
        self.max_row = max(self.max_row, int(row.max()), 10**9 if far.any() else 0)

    def check(self, name: str, part: str, cap: Limits) -> None:
        if self.run > RUN_WINDOW:
            raise refuse(name, f"one cell of '{part}'", f"одна клітинка '{part}'",
                         f"> {cap.max_cell:,}", f"{cap.max_cell:,}")  # found is shown in both languages: no words
        if self.strings > cap.max_shared_strings:
            raise refuse(name, "distinct texts (shared strings)", "різні тексти (shared strings)",
                         f"{self.strings:,}", f"{cap.max_shared_strings:,}")
        rows = max(self.rows, self.max_row)
        if rows > cap.max_rows + 1:
            raise refuse(name, f"rows of sheet '{part}'", f"рядки аркуша '{part}'", f"{rows:,}", f"{cap.max_rows:,}")
        if self.max_col > cap.max_columns:
            raise refuse(name, f"columns of sheet '{part}'", f"стовпці аркуша '{part}'",
                         f"{self.max_col:,}", f"{cap.max_columns:,}")
        if rows * max(self.max_col, 1) > cap.max_cells:
            raise refuse(name, f"cells of sheet '{part}'", f"клітинки аркуша '{part}'",
                         f"{rows * self.max_col:,}", f"{cap.max_cells:,}")


def check_xlsx(name: str, archive: zipfile.ZipFile, cap: Limits) -> None:
    """Every cap of an XLSX workbook, by streaming its sheet and shared-string parts once."""
    infos = check_members(name, archive, cap)
    total = 0
    for info in infos:
        part = info.filename
        if not (part.startswith("xl/worksheets/") or part == "xl/sharedStrings.xml") or not part.endswith(".xml"):
            continue
        scan = SheetScan()
        for block in stream(name, archive, info, cap.max_part):
            total += len(block)
            if total > cap.max_unzipped:
                raise refuse(name, "the workbook unpacked", "книга після розпакування", f"> {_mb(total)}",
                             _mb(cap.max_unzipped))
            scan.feed(block)
            scan.check(name, part.rsplit("/", 1)[-1], cap)
        scan.check(name, part.rsplit("/", 1)[-1], cap)
