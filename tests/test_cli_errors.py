"""Ordinary mistakes get one `error:` line, a `hint:` and a documented exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from intensity.cli import app
from intensity.errors import EXIT_IOERR, EXIT_USAGE

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args])

    return invoke


def _clean(res, code: int) -> None:
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output and "internal error" not in res.output, res.output
    lines = res.stderr.splitlines()
    assert lines[0].startswith("error: ") and lines[1].startswith("hint: "), res.stderr


@pytest.fixture
def csv_file(tmp_path) -> Path:
    p = tmp_path / "events.csv"
    p.write_text("a,b\n1,2\n")
    return p


@pytest.mark.parametrize("command", [
    ("ingest", FIXTURES / "canonical_small.csv"), ("counts",), ("status",), ("sql", "SELECT 1"),
])
def test_db_that_is_a_csv_file_is_a_usage_error_and_stays_untouched(run, csv_file, command):
    before = csv_file.read_bytes()
    res = run(*command, "--db", csv_file)
    _clean(res, EXIT_USAGE)
    assert "not a DuckDB database file" in res.stderr
    assert csv_file.read_bytes() == before


def test_db_that_is_a_foreign_file_or_a_directory(run, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"x" * 5000)
    _clean(run("status", "--db", junk), EXIT_USAGE)
    _clean(run("ingest", FIXTURES / "canonical_small.csv", "--db", junk), EXIT_USAGE)
    res = run("ingest", FIXTURES / "canonical_small.csv", "--db", tmp_path)
    _clean(res, EXIT_USAGE)
    assert "is a directory" in res.stderr
    _clean(run("status", "--db", tmp_path), EXIT_USAGE)


def test_store_under_a_file_is_an_io_error_naming_the_path(run, csv_file):
    # A file where a folder should be fails for root too (file modes would not).
    res = run("ingest", FIXTURES / "canonical_small.csv", "--db", csv_file / "new.duckdb")
    _clean(res, EXIT_IOERR)
    assert str(csv_file) in res.stderr


def test_store_in_an_unwritable_place_is_an_io_error(run):
    # /sys refuses new files even to root.
    if not Path("/sys").is_dir():
        pytest.skip("no /sys")
    res = run("ingest", FIXTURES / "canonical_small.csv", "--db", "/sys/intensity-test.duckdb")
    _clean(res, EXIT_IOERR)
    assert "/sys/intensity-test.duckdb" in res.stderr
    res = run("ingest", FIXTURES / "canonical_small.csv", "--db", "/sys/intensity-test/new.duckdb")
    _clean(res, EXIT_IOERR)


def test_report_into_an_unwritable_folder_is_an_io_error(run, demo_db, csv_file):
    res = run("report", "--db", demo_db, "--out", csv_file / "reports", "-q")
    _clean(res, EXIT_IOERR)
    assert str(csv_file / "reports") in res.stderr


def test_demo_refuses_to_replace_what_is_not_a_demo_store(run, tmp_path, csv_file, db_path):
    before = csv_file.read_bytes()
    res = run("demo", "--db", csv_file)
    _clean(res, EXIT_USAGE)
    assert "--force" in res.stderr and csv_file.read_bytes() == before
    assert run("ingest", FIXTURES / "canonical_small.csv", "--db", db_path, "-q").exit_code == 0
    store = db_path.read_bytes()
    _clean(run("demo", "--db", db_path), EXIT_USAGE)
    assert db_path.read_bytes() == store
    _clean(run("demo", "--db", tmp_path), EXIT_USAGE)
    assert csv_file.exists()


@pytest.mark.slow
def test_demo_rebuilds_a_demo_store_and_replaces_others_only_with_force(run, tmp_path, demo_db, csv_file):
    import shutil

    import duckdb

    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, copy)
    res = run("demo", "--db", copy, "-q")
    assert res.exit_code == 0, res.output
    res = run("demo", "--db", csv_file, "--force", "-q")
    assert res.exit_code == 0, res.output
    for path in (copy, csv_file):
        con = duckdb.connect(str(path), read_only=True)
        assert con.execute("SELECT count(*), count(DISTINCT source) FROM events").fetchall()[0][1] == 1
        con.close()


def test_nested_columns_are_json_in_csv_and_text_in_tables(run, db_path):
    import csv
    import io
    import json

    res = run("regions", "--country", "UKR", "-f", "csv", "--db", db_path)
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) > 20 and all(isinstance(json.loads(r["aliases"]), list) for r in rows)
    q = "SELECT {'a': 1, 'b': [1, 2]} AS s, [[1, 2], [3]] AS ll, 'x' AS t"
    res = run("sql", q, "-f", "csv", "--db", db_path)
    assert res.exit_code == 0, res.output
    (row,) = csv.DictReader(io.StringIO(res.stdout))
    assert json.loads(row["s"]) == {"a": 1, "b": [1, 2]} and json.loads(row["ll"]) == [[1, 2], [3]]
    res = run("sql", q, "--db", db_path)
    assert res.exit_code == 0, res.output
    assert "{a: 1, b: [1, 2]}" in res.stdout and "[1, 2], [3]" in res.stdout


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
def test_interval_columns_print_as_text(run, db_path, fmt):
    q = "SELECT TIMESTAMP '2024-03-02 06:00' - TIMESTAMP '2024-03-01' AS age, 1 AS n, [INTERVAL 2 DAY] AS il"
    res = run("sql", q, "-f", fmt, "--db", db_path)
    assert res.exit_code == 0, res.output
    assert "1 day 06:00:00" in res.stdout and "2 days" in res.stdout


def test_table_cells_cut_at_the_width_end_in_an_ellipsis():
    import io

    import polars as pl

    from intensity.output import write

    out = io.StringIO()
    write(pl.DataFrame({"long": ["x" * 100, "y" * 60], "n": [1, 2]}), "table", out, max_width=60)
    rows = out.getvalue().splitlines()[2:4]
    assert rows[0].startswith("x" * 59 + "… ") and rows[1].startswith("y" * 60 + " ")


def test_failed_file_is_named_once_with_its_hint(run, csv_file, db_path):
    res = run("ingest", csv_file, "--db", db_path, "-q")  # not canonical, not a known export
    assert res.exit_code == 65, res.output
    (line,) = res.stderr.splitlines()
    assert line.startswith("error: ") and line.count(str(csv_file)) == 1 and "hint: " in line, line


@pytest.mark.parametrize("command", [("ingest",), ("extract",)])
def test_missing_input_path_has_a_hint(run, tmp_path, db_path, command):
    res = run(*command, tmp_path / "nothere.csv", *(("--db", db_path) if command == ("ingest",) else ()))
    _clean(res, EXIT_USAGE)
    assert "nothere.csv" in res.stderr and "check the path" in res.stderr


@pytest.mark.parametrize("command,accepted", [
    (("sql", "SELECT 1"), "table, csv, json, jsonl"), (("counts",), "table, csv, json, jsonl"),
    (("extract", FIXTURES / "canonical_small.csv"), "jsonl, table"),
])
def test_unknown_output_format_lists_the_accepted_ones(run, db_path, command, accepted):
    res = run(*command, "-f", "xml", *(("--db", db_path) if command[0] != "extract" else ()))
    _clean(res, EXIT_USAGE)
    assert accepted in res.stderr.splitlines()[1]


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_published_report_folder_has_the_umask_mode_not_0700(tmp_path, umask):
    import os
    import stat

    from intensity.publish import publish, staging_dir

    old = os.umask(umask)
    try:
        staging = staging_dir(tmp_path / "reports", "2024-03-01_2024-03-28")
        (staging / "index.html").write_text("<html></html>")
        final = publish(staging, tmp_path / "reports", "2024-03-01_2024-03-28")
    finally:
        os.umask(old)
    assert stat.S_IMODE(final.stat().st_mode) == 0o777 & ~umask
    assert stat.S_IMODE((tmp_path / "reports" / "latest" / "index.html").stat().st_mode) == 0o666 & ~umask


def test_help_points_at_the_settings_doc_and_lists_ingest_formats(run):
    from intensity.cli import INGEST_FORMATS
    from intensity.ingest import STAGERS, _load_importers

    _load_importers()
    assert sorted(INGEST_FORMATS) == sorted(STAGERS)
    res = run("run", "--help")
    assert res.exit_code == 0 and "docs/scheduling.md" in res.stdout and "(see README)" not in res.stdout
    res = run("ingest", "--help")
    assert res.exit_code == 0
    text = " ".join(res.stdout.split())
    assert "Input format: " + ", ".join(INGEST_FORMATS) in text


def test_default_store_whose_folder_cannot_be_made_is_an_io_error(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INTENSITY_DB", raising=False)
    (tmp_path / "data").write_text("not a folder")
    res = run("ingest", FIXTURES / "canonical_small.csv")
    _clean(res, EXIT_IOERR)
    assert "data/intensity.duckdb" in res.stderr and "data is a file" in res.stderr


def test_demo_in_an_unwritable_place_is_an_io_error(run, csv_file):
    res = run("demo", "--db", csv_file / "demo.duckdb", "-q")
    _clean(res, EXIT_IOERR)
    assert str(csv_file / "demo.duckdb") in res.stderr


def test_truncated_store_is_an_io_error(run, tmp_path, db_path):
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(db_path.read_bytes()[:20000])
    res = run("status", "--db", cut)
    _clean(res, EXIT_IOERR)
    assert str(cut) in res.stderr


def test_duckdb_io_error_inside_a_command_is_exit_74_not_a_bug(capsys):
    import duckdb
    import typer

    from intensity.cli import handled

    @handled
    def write_fails():
        raise duckdb.IOException('IO Error: Could not write file "x.duckdb.wal": No space left on device')

    with pytest.raises(typer.Exit) as exc:
        write_fails()
    assert exc.value.exit_code == EXIT_IOERR
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error: ") and "x.duckdb.wal" in err[0] and err[1].startswith("hint: ")


def test_reading_a_foreign_duckdb_file_writes_nothing_and_demo_then_refuses(run, tmp_path):
    import duckdb

    own = tmp_path / "mine.duckdb"
    c = duckdb.connect(str(own))
    c.execute("CREATE TABLE mine AS SELECT 1 AS x")
    c.close()
    for command in (("sql", "SELECT * FROM mine"), ("status",), ("counts",)):
        _clean(run(*command, "--db", own), EXIT_USAGE)
    _clean(run("demo", "--db", own), EXIT_USAGE)
    c = duckdb.connect(str(own), read_only=True)
    assert c.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("mine",)]
    c.close()


def test_detect_on_a_mistyped_store_is_an_error_and_creates_nothing(run, tmp_path):
    typo = tmp_path / "typo.duckdb"
    _clean(run("detect", "--since", "2024-03", "--db", typo), EXIT_USAGE)
    _clean(run("extract", "--reprocess", "--db", typo), EXIT_USAGE)
    assert not typo.exists()


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
def test_blob_bit_union_and_non_finite_values_print(run, db_path, fmt):
    import json

    res = run("sql", "SELECT 'x'::BLOB AS b, '101'::BIT AS bits, union_value(k := 1) AS u, "
              "'inf'::DOUBLE AS i, 'nan'::DOUBLE AS n", "--db", db_path, "--format", fmt)
    assert res.exit_code == 0, res.output
    assert "101" in res.stdout
    if fmt in ("json", "jsonl"):
        (row,) = json.loads(res.stdout) if fmt == "json" else [json.loads(res.stdout)]
        assert row == {"b": "x", "bits": "101", "u": "1", "i": None, "n": None}


def test_missing_sql_file_and_empty_article_folder_say_what_to_do(run, tmp_path, demo_db):
    _clean(run("sql", "-F", tmp_path / "nope.sql", "--db", demo_db), EXIT_USAGE)
    (tmp_path / "empty").mkdir()
    res = run("extract", tmp_path / "empty")  # it printed nothing and exited 0
    _clean(res, EXIT_USAGE)
    assert "no input files found" in res.stderr
    # spans reaching before the year 1 are usage errors too, not an OverflowError
    _clean(run("counts", "--db", demo_db, "--since", "9999999d"), EXIT_USAGE)
