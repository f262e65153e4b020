"""Hostile files are refused while they are still cheap: caps on bytes, lines, columns, rows, cells,
unpacked zip / XLSX parts and shared strings (monitor.ingest.readers.limits).

The three files of issue #14 are built here, streaming, in tmp_path: a 4 MB CSV with no newline, a
~312 KB XLSX holding one 300 MB inline string, an ODK zip of a few MB holding a 1.9 GB CSV. Each is imported
through the real pipeline in a subprocess whose address space is limited to 1 GiB
(`resource.setrlimit(RLIMIT_AS)`): before the caps, each needed gigabytes (pandas' std::bad_alloc after
6.6 GB; calamine 2 GB; the zip past 4 GB), so under the limit they crashed the process. Now each is
refused with the bilingual `ingest-too-big`, and the peak resident memory of the whole process
(interpreter and libraries included) stays under 500 MB.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from monitor.errors import MonitorError
from monitor.ingest.readers import read_export
from monitor.ingest.readers.limits import Limits

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
ADDRESS_SPACE = 1024 * MB
PEAK_RSS_MB = 500


# ----------------------------------------------------------------------------------- building files


def write_zip(path: Path, members: list[tuple[str, Iterable[bytes]]]) -> Path:
    """A deflated zip written chunk by chunk (no member is ever whole in memory).

    A chunk repeated (the same bytes object) after a full flush deflates to the same bytes, so it is
    compressed once: a gigabyte-sized member is written in seconds.
    """
    central = []
    with path.open("wb") as out:
        for name, chunks in members:
            encoded = name.encode()
            offset = out.tell()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, 0, 0, 0, len(encoded), 0) + encoded)
            crc, size, csize = 0, 0, 0
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            cache: dict[int, tuple[bytes, bytes]] = {}
            for chunk in chunks:
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
                known = cache.get(id(chunk))
                if known is None or known[0] is not chunk:
                    deflated = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
                    cache[id(chunk)] = (chunk, deflated)
                else:
                    deflated = known[1]
                out.write(deflated)
                csize += len(deflated)
            tail = compressor.flush(zlib.Z_FINISH)
            out.write(tail)
            csize += len(tail)
            end = out.tell()
            out.seek(offset + 14)
            out.write(struct.pack("<III", crc, csize, size))
            out.seek(end)
            central.append((encoded, offset, crc, csize, size))
        start = out.tell()
        for encoded, offset, crc, csize, size in central:
            out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, csize, size,
                                  len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        length = out.tell() - start
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), length, start, 0))
    return path


def repeated(head: bytes, block: bytes, total: int, tail: bytes = b"") -> Iterator[bytes]:
    yield head
    for _ in range(total // len(block)):
        yield block
    yield tail


XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"),
}
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              "<sheetData>")
SHEET_TAIL = "</sheetData></worksheet>"


def xlsx(path: Path, sheet: Iterable[bytes]) -> Path:
    members: list[tuple[str, Iterable[bytes]]] = [(name, [text.encode()]) for name, text in XLSX_PARTS.items()]
    return write_zip(path, [*members, ("xl/worksheets/sheet1.xml", sheet)])


def csv_without_newline(folder: Path) -> Path:
    """4 MB, one line: a header of two million columns (pandas tokenises it into 6.6 GB)."""
    path = folder / "no-newline.csv"
    with path.open("wb") as out:
        block = b"a," * (MB // 2)
        for _ in range(4):
            out.write(block)
    return path


def xlsx_with_huge_string(folder: Path) -> Path:
    """About 312 KB on disk: one inline string of 300 MB in A2 (calamine needs 2 GB for it)."""
    head = (SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>comment</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode()
    tail = ("</t></is></c></row>" + SHEET_TAIL).encode()
    return xlsx(folder / "huge-string.xlsx", repeated(head, b"a" * MB, 300 * MB, tail))


def odk_zip_with_huge_csv(folder: Path) -> Path:
    """A few MB on disk: `form.csv` of 1.9 GB inside (the old reader inflated up to 2 GiB in memory)."""
    header = b"SubmissionDate,KEY,wave,oblast,comment\n"
    line = b"2022-03-01T10:00:00Z,uuid:0000,2022-1,UA53000000000028050," + b"x" * 1960 + b"\n"
    block = line * (MB // len(line))
    return write_zip(folder / "odk-huge.zip", [("form.csv", repeated(header, block, 1900 * MB))])


POLICE_HEADER = b"wave,oblast,unit_type,comment\n"
POLICE_ROW = b"2022-1,UA53000000000028050,oblast_directorate," + b"x" * 60 + b"\n"


def streamed_csv_with_a_long_line(folder: Path) -> Path:
    """12 MB of ordinary rows (so the import streams it in chunks) and, in the middle, one 5 MB line."""
    path = folder / "long-line.csv"
    rows = POLICE_ROW * (MB // len(POLICE_ROW))
    with path.open("wb") as out:
        out.write(POLICE_HEADER)
        for _ in range(6):
            out.write(rows)
        out.write(b"2022-1,UA53000000000028050,oblast_directorate," + b"y" * (5 * MB) + b"\n")
        for _ in range(6):
            out.write(rows)
    return path


def streamed_csv_with_a_wide_header(folder: Path) -> Path:
    """A 1 MB header of 300,000 columns, then 10 MB of rows: streamed, and refused at its header."""
    path = folder / "wide-header.csv"
    with path.open("wb") as out:
        out.write(b",".join(b"c%d" % i for i in range(300_000)) + b"\n")
        rows = POLICE_ROW * (MB // len(POLICE_ROW))
        for _ in range(10):
            out.write(rows)
    return path


HOSTILE = {
    "4 MB CSV with no newline": (csv_without_newline, 4 * MB),
    "12 MB streamed CSV with one 5 MB line": (streamed_csv_with_a_long_line, 18 * MB),
    "11 MB streamed CSV with a 300,000-column header": (streamed_csv_with_a_wide_header, 13 * MB),
    "312 KB XLSX with a 300 MB string": (xlsx_with_huge_string, 400 * 1024),
    "ODK zip with a 1.9 GB CSV": (odk_zip_with_huge_csv, 12 * MB),
}

# The import, as `monitor import` runs it, in a process that may not grow past ADDRESS_SPACE.
CHILD = """
import json, resource, sys
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from monitor.framework.loader import framework_or_raise
from monitor.ingest.pipeline import import_file
from monitor.store import db
engine = db.connect(sys.argv[2])
report = import_file(engine, framework_or_raise(sys.argv[4]), "police", sys.argv[1])
# VmHWM is this process's own peak: ru_maxrss survives exec and would report the pytest worker's peak.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
print(json.dumps({"status": report.status, "codes": [i.code for i in report.issues],
                  "en": [i.message_en for i in report.issues], "uk": [i.message_uk for i in report.issues],
                  "peak_mb": peak}))
"""


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_within_500_mb(tmp_path: Path, case: str) -> None:
    make, largest_on_disk = HOSTILE[case]
    path = make(tmp_path)
    assert path.stat().st_size <= largest_on_disk  # the file really is small on disk
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), f"sqlite:///{tmp_path}/monitor.db", str(ADDRESS_SPACE), str(ROOT)],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "refused"
    assert result["codes"] == ["ingest-too-big"], result
    assert "Nothing was imported" in result["en"][0] and "Нічого не імпортовано" in result["uk"][0]
    print(case, f"peak {result['peak_mb']:.0f} MB", result["en"][0])
    assert result["peak_mb"] < PEAK_RSS_MB, result


@pytest.mark.parametrize("make", [streamed_csv_with_a_long_line, streamed_csv_with_a_wide_header])
def test_the_large_csvs_take_the_streamed_reader(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    """Above STREAM_FROM_BYTES a UTF-8 file is read in chunks: these two test that path's own checks."""
    from monitor.ingest import pipeline

    assert make(tmp_path).stat().st_size >= pipeline.STREAM_FROM_BYTES


def test_the_huge_members_are_real(tmp_path: Path) -> None:
    """The ODK member really inflates to 1.9 GB and the XLSX string to 300 MB (the test builds what it says)."""
    import zipfile

    with zipfile.ZipFile(odk_zip_with_huge_csv(tmp_path)) as archive:
        assert archive.getinfo("form.csv").file_size >= 1_900_000_000
        with archive.open("form.csv") as member:
            assert member.read(64).startswith(b"SubmissionDate,KEY")
    with zipfile.ZipFile(xlsx_with_huge_string(tmp_path)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size >= 300_000_000


# ----------------------------------------------------------------------------------- each cap


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet(*rows: str) -> list[bytes]:
    return [(SHEET_HEAD + "".join(rows) + SHEET_TAIL).encode()]


def far_cell(folder: Path) -> Path:
    # Two cells: calamine would allocate the dense range A1:XFD1048576 (17 billion cells).
    return xlsx(folder / "far.xlsx", sheet(f'<row r="1">{cell("A1", "a")}</row>',
                                           f'<row r="1048576">{cell("XFD1048576", "b")}</row>'))


def far_cell_single_quotes(folder: Path) -> Path:
    return xlsx(folder / "far2.xlsx", sheet("<row r='1'><c r='A1' t='inlineStr'><is><t>a</t></is></c>"
                                            "<c\tr='ZZ999999' t='inlineStr'><is><t>b</t></is></c></row>"))


def wide_csv(folder: Path) -> Path:
    path = folder / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(6000)) + "\n" + ",".join("1" for _ in range(6000)) + "\n")
    return path


def long_quoted_cell(folder: Path) -> Path:
    # Short lines, but one quoted cell spanning 40,000 of them: the cell cap, not the line cap.
    path = folder / "quoted.csv"
    path.write_text('a,b\n1,"' + "ж\n" * 40_000 + '"\n')
    return path


def lying_zip(folder: Path) -> Path:
    """A member whose header claims 100 bytes but which inflates to 300 MB."""
    path = write_zip(folder / "lie.zip", [("form.csv", repeated(b"KEY,a\n", b"1,2\n" * (MB // 4), 300 * MB))])
    data = bytearray(path.read_bytes())
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.index(signature)
        data[start + at:start + at + 4] = struct.pack("<I", 100)
    path.write_bytes(bytes(data))
    return path


def many_strings(folder: Path) -> Path:
    members: list[tuple[str, Iterable[bytes]]] = [(n, [t.encode()]) for n, t in XLSX_PARTS.items()]
    strings = repeated(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                       b"<si><t>x</t></si>" * 4096, 2_100_000 * 17, b"</sst>")
    return write_zip(folder / "strings.xlsx", [*members, ("xl/sharedStrings.xml", strings),
                                               ("xl/worksheets/sheet1.xml", sheet(f'<row r="1">{cell("A1", "a")}</row>'))])


CAPS = {
    "cell at XFD1048576": (far_cell, "ingest-too-big", "columns of sheet"),
    "far cell, single quotes and a tab": (far_cell_single_quotes, "ingest-too-big", "cells of sheet"),
    "6,000 columns": (wide_csv, "ingest-too-big", "columns"),
    "one quoted cell over 40,000 lines": (long_quoted_cell, "ingest-too-big", "one cell"),
    # The declared size is what zipfile inflates to; the rest fails the CRC: refused, not inflated.
    "zip member lying about its size": (lying_zip, "ingest-unreadable", "BadZipFile"),
    "2.1 million shared strings": (many_strings, "ingest-too-big", "shared strings"),
}


@pytest.mark.parametrize("case", list(CAPS))
def test_each_cap_refuses_before_the_expensive_step(tmp_path: Path, case: str) -> None:
    make, code, what = CAPS[case]
    with pytest.raises(MonitorError) as caught:
        read_export(make(tmp_path), Limits(max_bytes=200 * MB, max_part=400 * MB, max_unzipped=400 * MB))
    found = caught.value.issues[0]
    assert found.code == code, found.message_en
    assert what in found.message_en, found.message_en
    assert found.message_uk != found.message_en


def test_a_file_within_the_caps_is_read(tmp_path: Path) -> None:
    """The scan does not refuse what it should let through: a real sheet of many rows and shared strings."""
    import xlsxwriter

    path = tmp_path / "fine.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet()
    for r in range(3000):
        for c in range(12):
            worksheet.write(r, c, f"т{r}-{c}" if c % 2 else r * c)
    worksheet.write(3000, 0, "ж" * 32_000)  # a cell at Excel's own limit
    workbook.close()
    table = read_export(path)
    assert len(table.rows) == 3000 and len(table.columns) == 12
