"""Delimited text read in chunks: a large UTF-8 export as a sequence of RawTables of `chunk_rows` rows.

The whole-file reader (`text.parse_text`) holds the bytes, the decoded text and every cell as a Python
string at once: about 5.5 GB for a 1 M-row Kobo CSV of 463 MB. Here the file is measured block by block
(line length, rows, header width, UTF-8 validity) before pandas tokenises anything, then parsed
`chunk_rows` at a time, so memory follows the chunk, not the file. Only UTF-8 text streams: Excel's
Windows-1251 CSVs and files mixing encodings take the whole-file reader, which names the bad line.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from monitor.errors import MonitorError, issue
from monitor.ingest.readers import limits as caps
from monitor.ingest.readers.table import RawTable
from monitor.ingest.readers.text import _CONTROL, sniff_delimiter

BLOCK = 16 * caps.MB
BOM = b"\xef\xbb\xbf"


@dataclass
class TextStream:
    """A measured UTF-8 export; `tables()` parses it chunk by chunk (row labels run on across chunks,
    so row numbers in messages are the file's)."""

    path: Path
    name: str
    encoding: str
    delimiter: str
    lines: int
    cap: caps.Limits
    chunk_rows: int
    finish: Callable[[RawTable], RawTable] = lambda table: table

    @property
    def rows(self) -> int:
        """Data rows, counted as lines less the header (a quoted cell spanning lines counts more than once)."""
        return max(self.lines - 1, 0)

    def tables(self) -> Iterator[RawTable]:
        header: list[str] | None = None
        offset = 0
        for frame in self._frames():
            caps.check_cells(self.name, (int(frame[c].str.len().max() or 0) for c in frame.columns), self.cap)
            if header is None:
                header = [str(h).strip() for h in frame.iloc[0].tolist()]
                frame = frame.iloc[1:]
            rows = frame.reset_index(drop=True)
            rows.index = pd.RangeIndex(offset, offset + len(rows))
            rows.columns = range(len(header))
            offset += len(rows)
            yield self.finish(RawTable(columns=list(header), rows=rows, format="csv", encoding=self.encoding,
                                       delimiter=self.delimiter, name=self.name))

    def _frames(self) -> Iterator[pd.DataFrame]:
        try:
            reader = pd.read_csv(
                self.path, sep=self.delimiter, header=None, dtype=str, keep_default_na=False, na_filter=False,
                engine="c", skip_blank_lines=True, quotechar='"', encoding="utf-8-sig", chunksize=self.chunk_rows,
            )
            with reader:
                size = self.chunk_rows + 1  # the header, then chunk_rows rows in every chunk
                while True:
                    try:
                        frame = reader.get_chunk(size)
                    except StopIteration:
                        return
                    if frame.empty:
                        return
                    yield frame
                    size = self.chunk_rows
        except (pd.errors.ParserError, ValueError, csv.Error) as error:
            detail = str(error).splitlines()[0][:160]
            raise MonitorError(issue("ingest-unreadable", path=self.name, detail=detail, detail_uk=detail)) from None
        except pd.errors.EmptyDataError:
            raise MonitorError(issue("ingest-empty-file", path=self.name)) from None


def open_text_stream(path: Path, name: str, cap: caps.Limits, chunk_rows: int) -> TextStream | None:
    """The file measured and ready to stream, or None when it is not plain UTF-8 text (the whole-file
    reader then reads it, or refuses it with its own message). Raises `ingest-too-big` for a line, a
    row count or a header wider than the caps, before any parsing."""
    stats = caps.LineStats()
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        first = handle.read(BLOCK)
        if not first.strip(b" \t\r\n" + BOM) or b"\x00" in first[:65536]:
            return None
        block = first
        while block:
            stats.feed(block)
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return None
            block = handle.read(BLOCK)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    caps.check_lines(name, stats.close(), cap)
    end = first.find(b"\n")
    caps.check_header(name, first if end < 0 else first[:end], cap)
    sample = first[:1_000_000].decode("utf-8-sig", errors="ignore")
    if sum(ch in _CONTROL for ch in sample[:65536]) > len(sample[:65536]) / 100:
        return None  # binary: the whole-file reader refuses it
    encoding = "utf-8-sig" if first.startswith(BOM) else "utf-8"
    return TextStream(path=path, name=name, encoding=encoding, delimiter=sniff_delimiter(sample), lines=stats.lines,
                      cap=cap, chunk_rows=chunk_rows)


__all__ = ["TextStream", "open_text_stream"]
