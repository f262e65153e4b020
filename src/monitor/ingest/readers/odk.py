"""ODK Central "Download all" zip: `<form>.csv` plus `<form>-<repeat>.csv` per repeat.

Repeat rows point to their submission through PARENT_KEY → KEY. Group paths in the headers use
'-' (`meta-instanceID`, `group-question`); mapping handles both '-' and '/'.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from monitor.errors import MonitorError, issue
from monitor.ingest.readers.table import RawTable
from monitor.ingest.readers.text import parse_text

MAX_UNZIPPED = 2 * 1024**3  # refuse zip bombs before inflating them


def read_odk_zip(archive: zipfile.ZipFile, display_name: str) -> RawTable:
    members = [
        info for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".csv")
        and not PurePosixPath(info.filename).name.startswith(("._", "."))
    ]
    if not members:
        found = ", ".join(i.filename for i in archive.infolist()[:5]) or "empty"
        raise MonitorError(issue("ingest-zip-not-odk", path=display_name, found=found, found_uk=found))
    if sum(i.file_size for i in members) > MAX_UNZIPPED:
        raise MonitorError(issue("ingest-unreadable", path=display_name, detail="archive too large when unpacked",
                                 detail_uk="архів завеликий після розпакування"))
    tables: list[tuple[str, RawTable]] = []
    for info in members:
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            detail = type(error).__name__
            raise MonitorError(issue("ingest-unreadable", path=display_name, detail=detail, detail_uk=detail)) from None
        stem = PurePosixPath(info.filename).stem
        tables.append((stem, parse_text(data, f"{display_name}/{info.filename}", "odk-zip")))
    parents = [(stem, t) for stem, t in tables if "PARENT_KEY" not in t.columns]
    if not parents:
        raise MonitorError(issue("ingest-zip-not-odk", path=display_name, found="only repeat files",
                                 found_uk="лише файли повторюваних груп"))
    main_stem, main = min(parents, key=lambda item: len(item[0]))
    main.name = Path(display_name).name
    main.key_column = "KEY" if "KEY" in main.columns else None
    for stem, table in tables:
        if table is main:
            continue
        if "PARENT_KEY" not in table.columns:
            continue  # another form's export in the same zip: not ours to join
        repeat = stem[len(main_stem) + 1:] if stem.startswith(main_stem + "-") else stem
        table.name = repeat
        table.parent_key_column = "PARENT_KEY"
        table.key_column = "KEY" if "KEY" in table.columns else None
        main.children[repeat] = table
    return main
