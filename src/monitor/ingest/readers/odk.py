"""ODK Central "Download all" zip: `<form>.csv` plus `<form>-<repeat>.csv` per repeat.

Repeat rows point to their submission through PARENT_KEY → KEY. Group paths in the headers use
'-' (`meta-instanceID`, `group-question`); mapping handles both '-' and '/'.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from monitor import redact
from monitor.errors import MonitorError, issue
from monitor.ingest.readers import limits as caps
from monitor.ingest.readers.table import RawTable
from monitor.ingest.readers.text import parse_text


def read_odk_zip(archive: zipfile.ZipFile, display_name: str, cap: caps.Limits | None = None) -> RawTable:
    cap = cap or caps.limits()
    infos = caps.check_members(display_name, archive, cap)
    members = [
        info for info in infos
        if not info.is_dir() and info.filename.lower().endswith(".csv")
        and not PurePosixPath(info.filename).name.startswith(("._", "."))
    ]
    if not members:
        found = ", ".join(i.filename for i in archive.infolist()[:5]) or "empty"
        raise MonitorError(issue("ingest-zip-not-odk", path=display_name, found=found, found_uk=found))
    tables: list[tuple[str, RawTable]] = []
    budget = cap.max_unzipped
    for info in members:
        # Each CSV inside counts like a CSV file of its own (its declared size is not trusted: the
        # stream stops at the cap), and all of them together like the archive.
        data = caps.read_member(display_name, archive, info, min(cap.max_bytes, budget))
        budget -= len(data)
        stem = PurePosixPath(info.filename).stem
        shown = redact.file_name(info.filename)
        tables.append((stem, parse_text(data, f"{display_name}/{shown}", "odk-zip", cap=cap)))
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
