"""Fuzzed CSV input: ingest never crashes, loads every valid row, and stays idempotent."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import intensity

pytestmark = pytest.mark.slow

# (event_type, sub_event_type) pairs written the ways users write them.
TYPES = [("battles", "armed_clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("strategic_developments", ""), ("protests", "peaceful_protest")]
VALID = {
    "event_date": ["2024-03-01", "2024-03-24", "2023-12-31T10:00:00"],
    "country_iso3": ["UKR", "RUS", "ukr"],
    "admin1": ["Kharkiv", "Belgorod region", "Sumska oblast", "", "Atlantis"],
    "fatalities": ["", "0", "3", "12"],
    "notes": ["", "shelling, two killed", 'a "quoted" note', "line one\nline two", "Харків, обстріл"],
}
COLUMNS = ["event_id", "source", "event_date", "country_iso3", "admin1", "event_type", "sub_event_type",
           "fatalities", "notes"]
junk = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_ids = itertools.count()


@st.composite
def rows(draw):
    """A well-formed CSV file of valid and damaged rows, and the ids of the valid ones."""
    cols = draw(st.permutations(COLUMNS))
    out, valid_ids = [], []
    for _ in range(draw(st.integers(1, 12))):
        eid = f"fz:{next(_ids)}"
        et, st_ = draw(st.sampled_from(TYPES))
        row = {"event_id": eid, "source": "fuzz", "event_type": et, "sub_event_type": st_}
        row.update({c: draw(st.sampled_from(v)) for c, v in VALID.items()})
        damaged = draw(st.lists(st.sampled_from([c for c in COLUMNS if c != "event_id"]), max_size=3))
        for c in damaged:
            row[c] = draw(junk)
        if not damaged:
            valid_ids.append(eid)
        out.append(row)
    return to_csv(out, cols), valid_ids, len(out)


def to_csv(rows_: list[dict], columns) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")  # quotes a lone \r too
    w.writeheader()
    w.writerows(rows_)
    return buf.getvalue()


def ingest_checked(store, folder, case, *, name: str, format: str | None = None):
    """Ingest a fuzzed file; check it read every row, kept every valid one and is idempotent."""
    text, valid_ids, n = case
    path = folder / name
    path.write_text(text, encoding="utf-8")
    (res,) = intensity.ingest_files(store, [path], format=format)
    assert res.status == "ok", res.error
    assert res.rows_read == n
    assert res.loaded + res.replaced + res.unchanged + res.rejected == n
    stored = {r[0] for r in store.execute(
        "SELECT event_id FROM events WHERE event_id IN (SELECT unnest(?))", [valid_ids]).fetchall()}
    assert stored == set(valid_ids)
    (again,) = intensity.ingest_files(store, [path], format=format)
    assert (again.loaded, again.replaced) == (0, 0)
    assert again.unchanged == res.loaded + res.replaced + res.unchanged
    return path, res


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    con = intensity.connect(tmp_path_factory.mktemp("fuzz") / "store.duckdb")
    yield con
    con.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=rows())
def test_fuzzed_rows_never_crash_and_lose_no_valid_row(store, tmp_path_factory, case):
    path, res = ingest_checked(store, tmp_path_factory.mktemp("in"), case, name="fuzz.csv")
    # Every rejected row is on record with a reason.
    assert store.execute("SELECT count(*) FROM rejects WHERE path = ? AND reason <> ''",
                         [str(path)]).fetchall()[0][0] == res.rejected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), header=st.booleans())
def test_arbitrary_bytes_are_an_error_or_rejects_never_a_crash(store, tmp_path_factory, data, header):
    path = tmp_path_factory.mktemp("in") / "bytes.csv"
    head = (",".join(COLUMNS) + "\n").encode() if header else b""
    path.write_bytes(head + data)
    before = store.execute("SELECT count(*) FROM events").fetchall()[0][0]
    (res,) = intensity.ingest_files(store, [path])
    assert res.status in ("ok", "error")
    after = store.execute("SELECT count(*) FROM events").fetchall()[0][0]
    if res.status == "error":
        assert res.error and after == before
    else:
        assert after - before == res.loaded


ACLED = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
         "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
         "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
         "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
         "fatalities", "tags", "timestamp"]
ACLED_VALID = {
    "event_date": ["24 March 2024", "1 March 2024"], "year": ["2024"], "time_precision": ["1", "2"],
    "disorder_type": ["Political violence"], "actor1": ["Test Army A"], "assoc_actor_1": [""],
    "inter1": ["1", "8"], "actor2": ["", "Civilians (Testland)"], "assoc_actor_2": [""], "inter2": ["0", "7"],
    "interaction": ["18"], "civilian_targeting": ["", "Civilian targeting"], "iso": ["804"],
    "region": ["Europe"], "country": ["Ukraine"], "admin1": ["Kharkiv", "Donetsk", "Kyiv City"],
    "admin2": ["Test raion", ""], "admin3": [""], "location": ["Test village"], "latitude": ["49.99"],
    "longitude": ["36.23"], "geo_precision": ["1", "2"], "source": ["Test Wire"], "source_scale": ["National"],
    "notes": ["A made-up note, with a comma.", ""], "fatalities": ["0", "2"], "tags": [""],
    "timestamp": ["1710000000"],
}
ACLED_TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
               ("Protests", "Peaceful protest"), ("Strategic developments", "Looting/property destruction")]


@st.composite
def acled_files(draw):
    """An ACLED-shaped export of valid and damaged rows, and the ids of the valid ones."""
    out, valid_ids = [], []
    for _ in range(draw(st.integers(1, 10))):
        eid = f"FZ{next(_ids)}"
        et, st_ = draw(st.sampled_from(ACLED_TYPES))
        row = {"event_id_cnty": eid, "event_type": et, "sub_event_type": st_}
        row.update({c: draw(st.sampled_from(v)) for c, v in ACLED_VALID.items()})
        # Damage the fields a row's validity depends on, or any other one.
        damaged = draw(st.lists(st.sampled_from([c for c in ACLED if c != "event_id_cnty"]), max_size=2))
        for c in damaged:
            row[c] = draw(junk)
        out.append(row)
        if not damaged:
            valid_ids.append(f"acled:{eid}")
    return to_csv(out, draw(st.permutations(ACLED))), valid_ids, len(out)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=acled_files())
def test_fuzzed_acled_exports_never_crash_and_lose_no_valid_row(store, tmp_path_factory, case):
    ingest_checked(store, tmp_path_factory.mktemp("in"), case, name="acled.csv", format="acled")
