"""`sync_source` against the stand-in servers: incremental, paged, idempotent, edits, validation, dry run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from ingest_kit import OBLAST
from sources_kit import T0, Stand, fast_limits, kobo_record, odk_record, table_state
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from monitor.framework.models import Framework
from monitor.ingest.sources.registry import add_source, list_sources
from monitor.ingest.sources.sync import OVERLAP, sync_source
from monitor.store.db import connect
from monitor.store.models import ImportBatch, RejectedRow, Response


def _sync(engine: Engine, framework: Framework, name: str, **options: Any):  # type: ignore[no-untyped-def]
    return sync_source(engine, framework, name, limits=options.pop("limits", None) or fast_limits(), **options)


def _responses(engine: Engine) -> dict[str, dict[str, Any]]:
    column = Response.__table__.c
    with engine.connect() as connection:
        rows = connection.execute(select(column.external_id, column.answers, column.hromada_code)
                                  .where(column.parent_id.is_(None))).all()
    return {r.external_id: {"answers": r.answers, "hromada": r.hromada_code} for r in rows}


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_incremental_sync_asks_only_for_what_is_new(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(4, step=timedelta(days=1))  # 14, 15, 16 and 17 March, 09:00 UTC
    name = add_source(engine, spec(stand)).name
    first = _sync(engine, framework, name)
    assert (first.status, first.imported, first.pages) == ("ok", 4, 1)
    assert first.cursor_after == "2022-03-17T09:00:00.000+00:00"
    assert "query" not in stand.data_requests()[0]["query"] and "$filter" not in stand.data_requests()[0]["query"]

    stand.add(3, start=4, when=T0 + timedelta(days=5))
    second = _sync(engine, framework, name)
    since = "2022-03-16T09:00:00"  # the cursor minus the overlap of one day
    sent = stand.data_requests()[-1]["query"]
    if stand.kind == "kobo":
        assert sent["query"] == '{"_submission_time":{"$gte":"' + since + '"}}'
    else:
        assert sent["$filter"] == f"__system/submissionDate ge {since}.000Z or __system/updatedAt ge {since}.000Z"
    assert (second.status, second.fetched, second.imported, second.unchanged, second.duplicates) == ("ok", 5, 3, 2, 0)
    assert second.cursor_after == "2022-03-19T11:00:00.000+00:00"
    assert len(_responses(engine)) == 7
    listed = list_sources(engine)[0]
    assert listed["last_status"] == "ok" and listed["imported"] == 7 and listed["last_counts"]["imported"] == 3


def test_overlap_sees_recent_submissions_again_and_adds_nothing(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(3)
    name = add_source(engine, spec(stand)).name
    _sync(engine, framework, name)
    stand.add(1, start=3, when=T0 + OVERLAP / 4)  # arrived late, inside the overlap
    again = _sync(engine, framework, name)
    assert again.fetched == 4 and again.imported == 1 and again.unchanged == 3


def test_paging_over_three_pages(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(7)
    name = add_source(engine, spec(stand, page_size=3)).name
    report = _sync(engine, framework, name)
    assert (report.status, report.pages, report.fetched, report.imported) == ("ok", 3, 7, 7)
    assert len(report.batches) == 3  # one transaction (one batch) per page
    requests = stand.data_requests()
    assert len(requests) == 3
    if stand.kind == "kobo":
        assert [r["query"]["start"] for r in requests] == ["0", "3", "6"]
        assert all(r["query"]["limit"] == "3" for r in requests)
    else:
        assert requests[0]["query"]["$top"] == "3" and "$skiptoken" in requests[1]["query"]
        assert requests[0]["query"]["$expand"] == "*"
    with engine.connect() as connection:
        accepted = connection.execute(select(ImportBatch.accepted).order_by(ImportBatch.id)).scalars().all()
    assert accepted == [3, 3, 1]


def test_odk_without_next_links_pages_by_skip(odk: Stand, engine: Engine, framework: Framework) -> None:
    from sources_kit import odk_spec

    odk.next_links = False
    odk.add(7)
    name = add_source(engine, odk_spec(odk, page_size=3)).name
    report = _sync(engine, framework, name)
    assert (report.pages, report.imported) == (3, 7)
    assert [r["query"].get("$skip") for r in odk.data_requests()] == [None, "3", "6"]


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_resync_adds_nothing(server, db_url: str, framework: Framework) -> None:
    stand, spec = server
    engine = connect(db_url)
    stand.add(5)
    name = add_source(engine, spec(stand, page_size=2)).name
    _sync(engine, framework, name)
    before = {k: v for k, v in table_state(engine).items() if k not in ("source", "auditlog")}
    again = _sync(engine, framework, name, full=True)
    assert (again.status, again.imported, again.unchanged, again.batches) == ("ok", 0, 5, [])
    after = {k: v for k, v in table_state(engine).items() if k not in ("source", "auditlog")}
    assert {k: v[0] for k, v in after.items()} == {k: v[0] for k, v in before.items()}
    assert after["response"] == before["response"] and after["importbatch"] == before["importbatch"]


def test_edit_on_the_server_is_reported_not_applied(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(4)
    name = add_source(engine, spec(stand)).name
    _sync(engine, framework, name)
    stored = _responses(engine)
    stand.edit(1, events="3", **{"capacity/focal_person": "no"})
    report = _sync(engine, framework, name)
    assert (report.edited, report.replaced, report.imported, report.unchanged) == (1, 0, 0, 3)
    assert report.issues[0].code == "source-edited" and report.issues[0].level == "warning"
    assert _responses(engine) == stored  # default policy: report, don't overwrite
    assert list_sources(engine)[0]["edits_pending"] == 1
    quiet = _sync(engine, framework, name)
    assert quiet.edited == 0 and not [i for i in quiet.issues if i.code == "source-edited"]  # reported once
    assert list_sources(engine)[0]["edits_pending"] == 1


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_edit_policy_replace_takes_the_new_version(server, db_url: str, framework: Framework) -> None:
    stand, spec = server
    engine = connect(db_url)
    stand.add(4)
    name = add_source(engine, spec(stand, on_edit="replace")).name
    _sync(engine, framework, name)
    old = set(_responses(engine))
    new_uuid = stand.edit(2, events="3")
    report = _sync(engine, framework, name)
    assert (report.edited, report.replaced, report.imported) == (0, 1, 1)
    assert report.issues[0].code == "source-edit-applied"
    stored = _responses(engine)
    assert len(stored) == 4
    added = set(stored) - old
    assert len(added) == 1 and new_uuid in next(iter(added))
    assert stored[next(iter(added))]["answers"]["events"] == 3
    assert _sync(engine, framework, name).imported == 0


def test_edit_of_a_submission_first_imported_from_a_file(server, engine: Engine, framework: Framework,
                                                        tmp_path) -> None:
    """A submission imported from an export, then edited on the server: the edit is recognised by deprecatedID."""
    stand, spec = server
    stand.add(2)
    name = add_source(engine, spec(stand)).name
    _sync(engine, framework, name)
    other = add_source(engine, spec(stand, name="second-look")).name  # a source that never saw them
    stand.edit(0, events="3")
    report = _sync(engine, framework, other)
    assert (report.edited, report.imported, report.duplicates) == (1, 0, 1)
    assert len(_responses(engine)) == 2


def test_bad_rows_are_rejected_and_taken_again_once_fixed(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(3)
    stand.submissions[1:2] = []
    stand.add(1, start=1, hromada="Атлантида", when=T0 + (T0 - T0))
    name = add_source(engine, spec(stand)).name
    report = _sync(engine, framework, name)
    assert (report.imported, report.rejected) == (2, 1)
    assert report.rejected_rows and report.rejected_rows[0]["code"].startswith("territory-")
    bad = stand.submissions[-1]
    assert report.rejected_rows[0]["submission"] == (bad["_uuid"] if stand.kind == "kobo" else bad["meta"]["instanceID"])
    assert _count(engine, RejectedRow) == 1
    again = _sync(engine, framework, name)
    assert (again.imported, again.rejected, again.unchanged) == (0, 0, 3)  # not reported twice
    stand.edit(len(stand.submissions) - 1, hromada=stand.submissions[0].get("hromada") or "UA35020010000028961")
    fixed = _sync(engine, framework, name)
    assert (fixed.imported, fixed.rejected) == (1, 0)
    assert len(_responses(engine)) == 3


def test_dry_run_writes_nothing(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(5)
    name = add_source(engine, spec(stand, page_size=2)).name
    before = table_state(engine)
    report = _sync(engine, framework, name, dry_run=True)
    assert (report.status, report.pages, report.imported) == ("dry-run", 3, 5)
    assert table_state(engine) == before


def test_select_multiple_and_groups_arrive(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(2, **{"cooperation/partners": "police employment"})
    name = add_source(engine, spec(stand)).name
    _sync(engine, framework, name)
    answers = next(iter(_responses(engine).values()))["answers"]
    assert answers["partners"] == "police employment"  # stored as an export stores it
    assert answers["focal_person"] in ("yes", "no") and answers["spending"] == 12.5


def test_consent_refused_is_not_stored(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.add(2)
    stand.add(1, start=2, consent="no")
    name = add_source(engine, spec(stand)).name
    report = _sync(engine, framework, name)
    assert (report.imported, report.consent_refused) == (2, 1)
    assert len(_responses(engine)) == 2


def _case(stand: Stand, i: int, helps: list[tuple[str, int]]) -> dict[str, Any]:
    """A submission of the test framework's survivor survey, with its repeat `helps`."""
    values = {"wave": "2022", "oblast": OBLAST, "date": "2022-03-14", "consent": "yes", "age_group": "adult",
              "rating": "4"}
    if stand.kind == "kobo":
        record = kobo_record(i, T0, values)
        record["helps"] = [{"helps/help_type": kind, "helps/days": str(days)} for kind, days in helps]
    else:
        record = odk_record(i, T0, values)
        record["helps"] = [{"help_type": kind, "days": days, "__id": f"{i}{n:039x}"} for n, (kind, days) in
                           enumerate(helps)]
        record["helps@odata.navigationLink"] = f"Submissions('{record['__id']}')/helps"
    return record


def test_repeats_arrive_and_are_replaced_with_their_submission(server, engine: Engine, framework: Framework) -> None:
    stand, spec = server
    stand.submissions = [_case(stand, 0, [("medical", 3), ("legal", 10)]), _case(stand, 1, [("shelter", 1)])]
    name = add_source(engine, spec(stand, survey_id="cases", on_edit="replace")).name
    report = _sync(engine, framework, name)
    assert (report.status, report.imported) == ("ok", 2)
    column = Response.__table__.c

    def children() -> list[tuple[str, Any]]:
        with engine.connect() as connection:
            return sorted((r.answers["help_type"], r.answers.get("days")) for r in connection.execute(
                select(column.answers).where(column.parent_id.is_not(None))))

    assert children() == [("legal", 10), ("medical", 3), ("shelter", 1)]
    edited = _case(stand, 0, [("medical", 2)])
    if stand.kind == "kobo":
        edited.update({"_uuid": "9f0c", "meta/instanceID": "uuid:9f0c", "meta/deprecatedID": "uuid:" + str(
            stand.submissions[0]["_uuid"])})
    else:
        edited["meta"] = {"instanceID": "uuid:9f0c", "deprecatedID": stand.submissions[0]["meta"]["instanceID"]}
    stand.submissions[0] = edited
    again = _sync(engine, framework, name)
    assert (again.replaced, again.imported) == (1, 1), again.to_dict()["issues"]
    assert children() == [("medical", 2), ("shelter", 1)]  # the old version's repeat rows went with it
