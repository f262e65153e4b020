"""Delimited text (CSV/TSV): encoding and delimiter are detected, never asked.

Encodings seen in Ukrainian exports: UTF-8, UTF-8 with BOM (Excel's "CSV UTF-8"), Windows-1251
(Excel's plain "CSV" on a Ukrainian Windows). A file mixing two encodings is refused rather than
half-garbled: mojibake in stored answers is worse than an error the monitor can fix.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

import pandas as pd
from charset_normalizer import from_bytes

from monitor.errors import MonitorError, issue
from monitor.ingest.readers import limits as caps
from monitor.ingest.readers.table import RawTable

DELIMITERS = (",", ";", "\t")
SINGLE_BYTE = ["cp1251"]
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Text and encoding name; raises MonitorError for binary data or mixed encodings."""
    if b"\x00" in data[:65536]:
        raise MonitorError(issue("ingest-unreadable", path=name, detail="binary data, not text",
                                 detail_uk="двійкові дані, а не текст"))
    try:
        text = data.decode("utf-8-sig")
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_single_byte(data, name)
    sample = text[:65536]
    if sample and sum(ch in _CONTROL for ch in sample) > len(sample) / 100:
        raise MonitorError(issue("ingest-unreadable", path=name, detail="binary data, not text",
                                 detail_uk="двійкові дані, а не текст"))
    return text, encoding


def _decode_single_byte(data: bytes, name: str) -> tuple[str, str]:
    # A line that is valid UTF-8 with Cyrillic next to a line that is not: two encodings in one file.
    first_bad = None
    utf8_lines = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            first_bad = first_bad or number
        if utf8_lines and first_bad:
            raise MonitorError(issue("ingest-encoding", path=name, line_no=first_bad))
    # Windows-1251 is the one single-byte encoding Ukrainian exports use (Excel's plain "CSV");
    # charset-normalizer confirms the bytes read as coherent text in it.
    best = from_bytes(data[:200_000], cp_isolation=SINGLE_BYTE).best()
    if best is None:
        raise MonitorError(issue("ingest-encoding", path=name, line_no=1))
    encoding = "cp1251"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        line_no = data[: error.start].count(b"\n") + 1
        raise MonitorError(issue("ingest-encoding", path=name, line_no=line_no)) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter giving the same number (>1) of fields on most of the first lines."""
    lines = text[:1_000_000].splitlines()[:50]
    sample = "\n".join(lines)
    best, best_score = ",", 0.0
    for delimiter in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        agreeing = sum(c == counts[0] for c in counts) / len(counts)
        score = counts[0] * agreeing if agreeing >= 0.6 else 0.0
        if score > best_score:
            best, best_score = delimiter, score
    if best_score == 0.0:
        try:
            return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
        except csv.Error:
            return ","
    return best


def parse_text(data: bytes, name: str, fmt: str = "csv", cap: caps.Limits | None = None) -> RawTable:
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise MonitorError(issue("ingest-empty-file", path=name))
    cap = cap or caps.limits()
    caps.check_text(name, data, cap)  # line length, width, rows: before decoding and tokenising
    text, encoding = decode(data, name)
    delimiter = sniff_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
            na_filter=False, engine="c", skip_blank_lines=True, quotechar='"',
        )
    except (pd.errors.ParserError, ValueError, csv.Error) as error:
        detail = str(error).splitlines()[0][:160]
        raise MonitorError(issue("ingest-unreadable", path=name, detail=detail, detail_uk=detail)) from None
    except pd.errors.EmptyDataError:
        raise MonitorError(issue("ingest-empty-file", path=name)) from None
    if len(frame) > cap.max_rows + 1:
        raise caps.refuse(name, "rows", "рядки", f"{len(frame) - 1:,}", f"{cap.max_rows:,}")
    caps.check_cells(name, (int(frame[c].str.len().max() or 0) for c in frame.columns), cap)
    header = [str(h).strip() for h in frame.iloc[0].tolist()]
    rows = frame.iloc[1:].reset_index(drop=True)
    rows.columns = range(len(header))
    return RawTable(columns=header, rows=rows, format=fmt, encoding=encoding, delimiter=delimiter, name=name)


def duplicate_headers(columns: list[str]) -> list[tuple[str, int]]:
    counts = Counter(c for c in columns if c)
    return [(c, n) for c, n in counts.items() if n > 1]
