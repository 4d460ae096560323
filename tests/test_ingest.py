"""Canonical ingest: validation, rejects with line numbers, idempotency, upserts, formats."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

import intensity

FIXTURES = Path(__file__).parent / "fixtures"


def n_events(con) -> int:
    return con.execute("SELECT count(*) FROM events").fetchone()[0]


def test_ingest_small_file(con):
    (res,) = intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    assert (res.status, res.rows_read, res.loaded, res.rejected) == ("ok", 5, 5, 0)
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT event_id, admin1_code, event_type, sub_event_type, fatalities, munitions FROM events"
    ).fetchall()}
    assert rows["fx:1"] == ("UA-63", "explosions_remote_violence", "shelling_artillery_missile_attack", 2, 12)
    assert rows["fx:2"][0] == "UA-63"  # code given directly
    # Labels are accepted for types; names with "region"/"oblast" resolve.
    assert rows["fx:3"] == ("RU-BEL", "explosions_remote_violence", "shelling_artillery_missile_attack", None, 22)
    assert rows["fx:4"][:3] == ("UA-59", "strategic_developments", "disrupted_weapons_use")


def test_ingest_twice_adds_nothing(con):
    path = FIXTURES / "canonical_small.csv"
    intensity.ingest_files(con, [path])
    before = con.execute("SELECT event_id, ingested_at FROM events ORDER BY 1").fetchall()
    (res,) = intensity.ingest_files(con, [path])
    assert (res.loaded, res.replaced, res.unchanged) == (0, 0, 5)
    assert con.execute("SELECT event_id, ingested_at FROM events ORDER BY 1").fetchall() == before


def test_changed_event_replaces_old(con, tmp_path):
    src = (FIXTURES / "canonical_small.csv").read_text()
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    changed = tmp_path / "changed.csv"
    changed.write_text(src.replace("fx:1,fixture,2024-03-01,UKR,Kharkiv,,Kharkiv,explosions_remote_violence,"
                                   "shelling_artillery_missile_attack,2,",
                                   "fx:1,fixture,2024-03-01,UKR,Kharkiv,,Kharkiv,explosions_remote_violence,"
                                   "shelling_artillery_missile_attack,4,"))
    (res,) = intensity.ingest_files(con, [changed])
    assert (res.loaded, res.replaced, res.unchanged) == (0, 1, 4)
    assert n_events(con) == 5
    assert con.execute("SELECT fatalities FROM events WHERE event_id = 'fx:1'").fetchone()[0] == 4


def test_rejects_have_line_numbers_and_reasons(con):
    (res,) = intensity.ingest_files(con, [FIXTURES / "canonical_bad.csv"])
    assert res.status == "ok"
    assert res.loaded == 2  # ok:1 and ok:3 (unresolved region, kept)
    assert res.unresolved == 1
    rejects = dict(con.execute("SELECT line, reason FROM rejects").fetchall())
    assert set(rejects) == {3, 4, 5, 6, 7, 8, 9}
    assert rejects[3].startswith("unparseable event_date")
    assert rejects[4].startswith("unknown event_type: skirmish")
    assert rejects[5] == "missing required field: event_date"
    assert rejects[6].startswith("fatalities must be a whole number from 0")
    assert "belongs to explosions_remote_violence" in rejects[7]
    assert "MISSING COLUMNS" in rejects[8]
    assert rejects[9].startswith("unknown country_iso3")
    raw = con.execute("SELECT raw_line FROM rejects WHERE line = 4").fetchone()[0]
    assert raw == "bad:type,fixture,2024-03-01,UKR,Kharkiv,skirmish,,1"
    unresolved = con.execute("SELECT country_iso3, admin1, n_events FROM unresolved_regions").fetchall()
    assert unresolved == [("UKR", "Atlantis", 1)]
    assert con.execute("SELECT admin1_code FROM events WHERE event_id = 'ok:3'").fetchone()[0] is None


@pytest.mark.parametrize("column,value,reason", [
    ("fatalities", "NaN", "fatalities must be a whole number from 0 to 2147483647: NaN"),
    ("fatalities", "inf", "fatalities must be"), ("fatalities", "1e20", "fatalities must be"),
    ("fatalities", "2147483648", "fatalities must be"), ("injured", "3000000000", "injured must be"),
    ("geo_precision", "200", "geo_precision must be a whole number from 0 to 127"), ("source_count", "1e30", "source_count must be"),
    ("event_date", "-2024-01-01", "unparseable event_date: -2024-01-01"),
    ("event_date", "infinity", "unparseable event_date"), ("event_date", "epoch", "unparseable event_date"),
    ("event_date", "0000-01-01", "unparseable event_date"), ("event_date", "2024.13.01", "unparseable event_date"),
])
def test_values_the_store_cannot_hold_are_rejects_not_a_failed_file(con, tmp_path, column, value, reason):
    # These once raised a conversion error for the whole file (NaN, numbers beyond INTEGER,
    # TINYINT), or loaded dates no reader could show ('epoch', BC years).
    cols = {"event_id": "x:1", "event_date": "2024-03-01", "event_type": "battles", "country_iso3": "UKR",
            "source": "t"}
    bad = {**cols, "event_id": "x:2", column: value}
    path = tmp_path / "bad.csv"
    names = list(dict.fromkeys([*cols, column]))
    path.write_text(",".join(names) + "\n" + "\n".join(",".join(r.get(c, "1") for c in names)
                                                          for r in (cols, bad)) + "\n")
    after = tmp_path / "after.csv"
    after.write_text("event_id,event_date,event_type,country_iso3,source\nx:3,2024-03-02,battles,UKR,t\n")
    res, res2 = intensity.ingest_files(con, [path, after])
    assert (res.status, res.loaded, res.rejected, res2.loaded) == ("ok", 1, 1, 1)
    assert con.execute("SELECT reason FROM rejects").fetchall()[0][0].startswith(reason)
    assert con.execute("SELECT min(event_date), max(event_date) FROM events").fetchall()[0] is not None


HEAD = "event_id,event_date,event_type,country_iso3,source,notes\n"


def _row(i: int, notes: str = '"shelled, then left"') -> str:
    return f"e{i},2024-03-01,battles,UKR,t,{notes}\n"


def test_one_stray_quote_rejects_its_record_not_the_file(con, tmp_path):
    # The sniffer took the stray quote as "no quoting": 48 of 49 rows split at the comma.
    path = tmp_path / "stray.csv"
    path.write_text(HEAD + "".join(_row(i) for i in range(1, 25)) + _row(25, '"stray quote')
                    + "".join(_row(i) for i in range(26, 50)))
    (res,) = intensity.ingest_files(con, [path])
    assert (res.loaded, res.rejected) == (47, 1)
    assert con.execute("SELECT DISTINCT notes FROM events").fetchall() == [("shelled, then left",)]
    # the unterminated field runs into the next line: both lines are one rejected record
    assert con.execute("SELECT line FROM rejects").fetchall() == [(26,)]
    assert "e26,2024-03-01" in con.execute("SELECT raw_line FROM rejects").fetchall()[0][0]
    assert sorted(int(i[1:]) for (i,) in con.execute("SELECT event_id FROM events").fetchall()) == \
        [*range(1, 25), *range(27, 50)]


def test_rfc_quoting_is_not_kept_when_it_loads_fewer_rows(con, tmp_path):
    # 19 ragged rows and a stray quote far from the next quote: RFC 4180 reading would fold
    # ~100 good lines into one reject. The sniffer's reading loads more and is kept.
    rows = [_row(i, "plain") for i in range(1, 201)]
    for i in range(0, 200, 10):
        rows[i] = rows[i].replace("plain", "plain,extra")
    rows[49] = _row(50, '"stray')
    rows[150] = _row(151, '"quoted"')
    path = tmp_path / "ragged_stray.csv"
    path.write_text(HEAD + "".join(rows))
    (res,) = intensity.ingest_files(con, [path])
    assert (res.loaded, res.rejected) == (181, 19)  # the sniffer's reading: only the ragged rows
    assert con.execute("SELECT count(*) FROM events WHERE event_id = 'e100'").fetchall() == [(1,)]


def test_slash_dates_still_load(con, tmp_path):
    path = tmp_path / "slash.csv"
    path.write_text("event_id,event_date,event_type,country_iso3,source\nx:1,2024/03/01,battles,UKR,t\n")
    (res,) = intensity.ingest_files(con, [path])
    assert res.loaded == 1 and con.execute("SELECT CAST(event_date AS VARCHAR) FROM events").fetchall() == [
        ("2024-03-01",)]


def test_crlf_rows_followed_by_lf_rows_load(con, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEAD.replace("\n", "\r\n").encode() + _row(1).replace("\n", "\r\n").encode()
                     + _row(2).encode() + _row(3).encode())
    (res,) = intensity.ingest_files(con, [path])
    assert (res.status, res.loaded, res.rejected) == ("ok", 3, 0)


def test_fields_up_to_8_mb_load_and_longer_ones_are_a_clear_error(con, tmp_path):
    ok, long = tmp_path / "ok.csv", tmp_path / "long.csv"
    ok.write_text(HEAD + _row(1) + _row(2, "x" * 3_000_000) + _row(3))
    long.write_text(HEAD + _row(4) + _row(5, "x" * 9_000_000))
    res, bad = intensity.ingest_files(con, [ok, long])
    assert (res.loaded, bad.status) == (3, "error") and "longer than 8 MB" in bad.error


def test_a_jsonl_line_that_is_not_utf8_is_one_reject(con, tmp_path):
    rec = '{{"event_id": "j{}", "event_date": "2024-03-01", "event_type": "battles", "country_iso3": "UKR", ' \
          '"source": "t"{}}}\n'
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(rec.format(1, "").encode() + rec.format(2, ', "notes": "caf\xe9"').encode("latin-1")
                     + rec.format(3, "").encode())
    (res,) = intensity.ingest_files(con, [path])
    assert (res.status, res.loaded, res.rejected) == ("ok", 2, 1)
    line, reason, raw = con.execute("SELECT line, reason, raw_line FROM rejects").fetchall()[0]
    assert (line, reason) == (2, "INVALID ENCODING: the line is not UTF-8") and '"j2"' in raw


def test_excel_unicode_text_and_sep_line_files_load_with_their_line_numbers(con, tmp_path):
    # Excel's "Unicode Text" is UTF-16 with a byte order mark, tab-separated; its CSV export in
    # many locales starts with a "sep=;" line. Both read as not-an-event-file before.
    u16 = tmp_path / "unicode.csv"
    text = ("event_id\tevent_date\tevent_type\tcountry_iso3\tsource\tnotes\r\n"
            "u:1\t2024-03-01\tbattles\tUKR\tt\tКиїв\r\nu:2\tbad\tbattles\tUKR\tt\tx\r\n")
    u16.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    sep = tmp_path / "sep.csv"
    sep.write_text("sep=;\nevent_id;event_date;event_type;country_iso3;source\n"
                   "s:1;2024-03-01;battles;UKR;t\ns:2;bad;battles;UKR;t\ns:3;2024-03-02;battles;UKR;t\n")
    a, b = intensity.ingest_files(con, [u16, sep])
    assert (a.loaded, a.rejected, b.loaded, b.rejected) == (1, 1, 2, 1)
    assert con.execute("SELECT notes FROM events WHERE event_id = 'u:1'").fetchall() == [("Київ",)]
    assert sorted(con.execute("SELECT path LIKE '%sep.csv', line FROM rejects").fetchall()) == [(False, 3), (True, 4)]


def test_pretty_printed_json_is_called_that_not_missing_columns(con, tmp_path):
    path = tmp_path / "pretty.jsonl"
    path.write_text('{\n  "event_id": "a:1",\n  "event_date": "2024-03-01"\n}\n')
    (res,) = intensity.ingest_files(con, [path])
    assert res.status == "error" and "no line holds a JSON object" in res.error and "jq -c" in res.error


def test_reingest_does_not_duplicate_rejects(con):
    for _ in range(2):
        intensity.ingest_files(con, [FIXTURES / "canonical_bad.csv"])
    assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 7


def test_strict_loads_nothing_from_file_with_rejects(con):
    (res,) = intensity.ingest_files(con, [FIXTURES / "canonical_bad.csv"], strict=True)
    assert res.status == "rejected" and res.rejected == 7
    assert n_events(con) == 0
    assert con.execute("SELECT count(*) FROM ingest_files").fetchone()[0] == 0


def test_line_numbers_count_records_across_quoted_newlines(con, tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text(
        "event_id,source,event_date,country_iso3,event_type,notes\n"
        'm:1,t,2024-03-01,UKR,battles,"two\nlines"\n'
        "m:2,t,2024-03-01,UKR,battles,one line\n"
        "m:3,t,not-a-date,UKR,battles,bad\n"
    )
    (res,) = intensity.ingest_files(con, [path])
    assert res.loaded == 2
    assert con.execute("SELECT line FROM rejects").fetchall() == [(4,)]
    assert con.execute("SELECT notes FROM events WHERE event_id = 'm:1'").fetchone()[0] == "two\nlines"


def test_duplicate_ids_in_one_file_keep_the_last(con, tmp_path):
    path = tmp_path / "dups.csv"
    path.write_text(
        "event_id,source,event_date,country_iso3,event_type,fatalities\n"
        "d:1,t,2024-03-01,UKR,battles,1\n"
        "d:1,t,2024-03-01,UKR,battles,3\n"
    )
    (res,) = intensity.ingest_files(con, [path])
    assert (res.loaded, res.rejected) == (1, 1)
    assert con.execute("SELECT fatalities FROM events").fetchone()[0] == 3
    assert "line 3 kept" in con.execute("SELECT reason FROM rejects").fetchone()[0]


def test_missing_event_id_is_derived_stably(con, tmp_path):
    path = tmp_path / "noid.csv"
    path.write_text("source,event_date,country_iso3,event_type\nsheet,2024-03-01,UKR,battles\n")
    intensity.ingest_files(con, [path])
    intensity.ingest_files(con, [path])
    ids = [r[0] for r in con.execute("SELECT event_id FROM events").fetchall()]
    assert len(ids) == 1 and ids[0].startswith("sheet:")


def test_derived_event_id_keeps_its_first_release_formula(con, tmp_path):
    # Ids are identities: the md5 of the content's text, fields joined by U+001F, NULL
    # counts as '' ('-' for a count), as the first release computed them.
    path = tmp_path / "noid.csv"
    path.write_text("source,event_date,country_iso3,event_type,fatalities,notes\n"
                    "sheet,2024-03-01,UKR,battles,3,clash near Vovchansk\n")
    intensity.ingest_files(con, [path])
    fields = ["sheet", "", "2024-03-01", "1", "UKR", "", "", "", "", "", "", "", "battles", "", "", "",
              "3", "-", "-", "-", "-", "", "1", "clash near Vovchansk", "", "", ""]
    want = "sheet:" + hashlib.md5("\x1f".join(fields).encode()).hexdigest()[:20]
    assert con.execute("SELECT event_id FROM events").fetchall() == [(want,)]


def test_stored_row_hashes_are_recomputed_when_their_fingerprint_changes(db_path):
    # As after a DuckDB upgrade that changes hash(), or for a store hashed with md5 before.
    con = intensity.connect(db_path)
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    hashes = con.execute("SELECT event_id, row_hash FROM events ORDER BY 1").fetchall()
    con.execute("UPDATE events SET row_hash = md5(event_id)")
    con.execute("UPDATE meta SET value = 'md5' WHERE key = 'row_hash_fingerprint'")
    con.close()
    # A read-only open leaves them (it needs no write access); the next write connection,
    # which every ingest opens, recomputes them.
    ro = intensity.connect(db_path, read_only=True)
    assert ro.execute("SELECT count(*) FROM events WHERE row_hash = md5(event_id)").fetchall() == [(5,)]
    ro.close()
    con = intensity.connect(db_path)
    assert con.execute("SELECT event_id, row_hash FROM events ORDER BY 1").fetchall() == hashes
    (res,) = intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    assert (res.loaded, res.replaced, res.unchanged) == (0, 0, 5)
    con.close()


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\x00", b"just,some,columns\n1,2,3\n"])
def test_unreadable_or_foreign_file_is_error_and_loads_nothing(con, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    good = FIXTURES / "canonical_small.csv"
    res_bad, res_good = intensity.ingest_files(con, [path, good])
    assert res_bad.status == "error" and res_bad.error
    assert res_good.status == "ok" and res_good.loaded == 5
    assert n_events(con) == 5
    assert con.execute("SELECT count(*) FROM ingest_files").fetchone()[0] == 1


def test_jsonl_and_parquet_give_the_same_events(con, tmp_path):
    df = pl.read_csv(FIXTURES / "canonical_small.csv", infer_schema=False)
    jl = tmp_path / "events.jsonl"
    with jl.open("w") as fh:
        for row in df.to_dicts():
            fh.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
        fh.write("this is not json\n")
    pq = tmp_path / "events.parquet"
    df.with_columns(pl.col("fatalities").cast(pl.Int64)).write_parquet(pq)

    (r1,) = intensity.ingest_files(con, [jl])
    assert (r1.loaded, r1.rejected) == (5, 1)
    assert con.execute("SELECT line, reason FROM rejects").fetchone() == (6, "invalid JSON: not one JSON object on this line")
    first = con.execute("SELECT event_id, row_hash FROM events ORDER BY 1").fetchall()
    (r2,) = intensity.ingest_files(con, [pq])
    assert (r2.loaded, r2.replaced, r2.unchanged) == (0, 0, 5)
    assert con.execute("SELECT event_id, row_hash FROM events ORDER BY 1").fetchall() == first


def test_directory_ingest_and_ingest_log(con, tmp_path):
    (tmp_path / "a.csv").write_text((FIXTURES / "canonical_small.csv").read_text())
    (tmp_path / "readme.md").write_text("not data")
    results = intensity.ingest_files(con, [tmp_path])
    assert [Path(r.path).name for r in results] == ["a.csv"]
    log = con.execute("SELECT rows_read, rows_loaded, content_hash FROM ingest_files").fetchall()
    assert log[0][:2] == (5, 5) and len(log[0][2]) == 64


def test_file_of_unknown_format_is_an_error_result_and_the_rest_load(con, tmp_path):
    blob = tmp_path / "mixed" / "blob.bin"
    blob.parent.mkdir()
    blob.write_bytes(b"\x00\x01 not an event file")
    later = tmp_path / "later.csv"
    later.write_text("event_id,event_date,country_iso3,event_type\nlate:1,2024-03-02,UKR,battles\n")
    results = intensity.ingest_files(con, [FIXTURES / "canonical_small.csv", blob, later])
    assert [r.status for r in results] == ["ok", "error", "ok"]
    assert "cannot tell the format" in results[1].error and "--format" in results[1].error
    assert n_events(con) == 6
    assert con.execute("SELECT count(*) FROM ingest_files").fetchone()[0] == 2


def test_unknown_format_override_is_a_usage_error_before_anything_loads(con):
    from intensity.errors import UsageError

    with pytest.raises(UsageError, match="unknown format"):
        intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"], format="nosuch")
    assert n_events(con) == 0


def test_directory_walk_skips_hidden_files_and_folders(con, tmp_path):
    from intensity.ingest import expand_paths

    good = "event_id,event_date,country_iso3,event_type\nvis:1,2024-03-02,UKR,battles\n"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "events.csv").write_text(good)
    (tmp_path / ".hidden.csv").write_text("not,an,event\nfile\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "events.csv").write_text(good.replace("vis:1", "git:1"))
    assert expand_paths([tmp_path]) == [tmp_path / "sub" / "events.csv"]
    results = intensity.ingest_files(con, [tmp_path])
    assert [r.status for r in results] == ["ok"] and n_events(con) == 1
    # named explicitly, a dotfile still loads (here: as the error it is)
    assert expand_paths([tmp_path / ".hidden.csv"]) == [tmp_path / ".hidden.csv"]


def test_jsonl_with_a_byte_order_mark_loads(con, tmp_path):
    rows = [{"event_id": f"bom:{i}", "event_date": "2024-03-02", "country_iso3": "UKR", "event_type": "battles"}
            for i in (1, 2)]
    path = tmp_path / "bom.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    (res,) = intensity.ingest_files(con, [path])
    assert (res.status, res.loaded, res.rejected) == ("ok", 2, 0), res.error
    assert {r[0] for r in con.execute("SELECT event_id FROM events").fetchall()} == {"bom:1", "bom:2"}


@pytest.mark.parametrize("name,content", [("empty.csv", b""), ("empty.jsonl", b""), ("empty.parquet", b""),
                                          ("blank.csv", b"\xef\xbb\xbf \r\n\n"), ("blank.jsonl", b"\n\n")])
def test_empty_file_is_called_empty(con, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    (res,) = intensity.ingest_files(con, [path])
    assert res.status == "error" and res.error.startswith(f"{path} is empty"), res.error
    assert "missing column" not in res.error


def test_header_only_file_still_loads_nothing_without_error(con, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("event_id,event_date,country_iso3,event_type\n")
    (res,) = intensity.ingest_files(con, [path])
    assert (res.status, res.rows_read, res.loaded) == ("ok", 0, 0)


def test_future_dates_load_with_a_warning(con, tmp_path):
    from datetime import datetime, timezone

    today = datetime.now(timezone.utc).date().isoformat()
    path = tmp_path / "planned.csv"
    path.write_text("event_id,event_date,country_iso3,event_type\n"
                    f"f:1,2024-03-01,UKR,battles\nf:2,2099-01-01,UKR,battles\nf:3,2098-05-05,UKR,protests\n"
                    f"f:4,{today},UKR,battles\n")
    (res,) = intensity.ingest_files(con, [path])
    assert (res.status, res.loaded, res.rejected) == ("ok", 4, 0)
    assert "2 event(s) dated after today (latest 2099-01-01)" in res.warnings
    past = tmp_path / "past.csv"
    past.write_text(f"event_id,event_date,country_iso3,event_type\np:1,{today},UKR,battles\n")
    (res,) = intensity.ingest_files(con, [past])
    assert not [w for w in res.warnings if "after today" in w]


def test_null_preserving_columns_pass_validation_as_null(con):
    # ingest.NULL_PRESERVING columns that a file lacks are not staged but stored as NULL;
    # that is right only if validation turns NULL into NULL for each of them.
    from intensity import sql as sqlfiles
    from intensity.ingest import CANONICAL_INPUT, NULL_PRESERVING

    given = {"source": "'t'", "event_date": "'2024-03-01'", "country_iso3": "'UKR'", "event_type": "'battles'",
             "admin1": "'Kharkiv'"}
    con.execute("CREATE TEMP VIEW stg AS SELECT 2 AS _line, "
                + ", ".join(f"{given.get(c, 'NULL')}::VARCHAR AS {c}" for c in CANONICAL_INPUT)
                + ", NULL AS _extra")
    con.execute("CREATE TEMP TABLE stg_admin1_names (country VARCHAR, admin1_in VARCHAR, name_code VARCHAR)")
    cur = con.execute(f"SELECT * FROM ({sqlfiles.load('ingest', 'staged_events')})")
    row = dict(zip([d[0] for d in cur.description], cur.fetchall()[0]))
    assert row["reject_reason"] is None
    assert {c: row[c] for c in NULL_PRESERVING} == dict.fromkeys(NULL_PRESERVING)
    # the columns outside the list are ones validation fills in
    assert (row["date_precision"], row["source_count"], row["admin1"]) == (1, 1, "Kharkiv")


def test_missing_optional_columns_store_what_empty_ones_store(tmp_path):
    from intensity.ingest import CANONICAL_INPUT

    rows = [{"source": "t", "source_event_id": "1", "event_date": "2024-03-01", "country_iso3": "UKR",
             "admin1": "Kharkiv", "event_type": "battles"},
            {"source": "t", "source_event_id": "2", "event_date": "2024-03-02", "country_iso3": "UKR",
             "admin1": "Sumy", "event_type": "riots"}]
    narrow, wide = tmp_path / "narrow.csv", tmp_path / "wide.csv"
    for path, cols in ((narrow, list(rows[0])), (wide, list(CANONICAL_INPUT))):
        path.write_text("\n".join([",".join(cols), *(",".join(r.get(c, "") for c in cols) for r in rows)]) + "\n")
    stored = []
    for path in (narrow, wide):
        con = intensity.connect(tmp_path / f"{path.stem}.duckdb")
        (res,) = intensity.ingest_files(con, [path])
        assert (res.loaded, res.rejected) == (2, 0)
        stored.append(con.execute("SELECT * EXCLUDE (file_id, ingested_at) FROM events ORDER BY event_id").fetchall())
        con.close()
    assert stored[0] == stored[1]


def test_rows_hashed_under_another_scheme_still_count_as_unchanged(con):
    # An older intensity writing md5 hashes into a store this version has rehashed: the
    # content decides, and the stored hashes are put right.
    path = FIXTURES / "canonical_small.csv"
    intensity.ingest_files(con, [path])
    hashes = con.execute("SELECT event_id, row_hash FROM events ORDER BY 1").fetchall()
    con.execute("UPDATE events SET row_hash = md5(event_id)")
    (res,) = intensity.ingest_files(con, [path])
    assert (res.loaded, res.replaced, res.unchanged) == (0, 0, 5)
    assert con.execute("SELECT event_id, row_hash FROM events ORDER BY 1").fetchall() == hashes
