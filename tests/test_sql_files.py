"""SQL files are first-class: named after their relation, and portable to Spark where promised."""

from __future__ import annotations

import re

import pytest

from intensity import sql as sqlfiles

sqlglot = pytest.importorskip("sqlglot")
from sqlglot.errors import ErrorLevel  # noqa: E402

PORTABLE = [(kind, name) for kind in ("transforms", "views") for name in sqlfiles.names(kind)]


@pytest.mark.parametrize("kind,name", PORTABLE)
def test_portable_sql_transpiles_to_spark(kind, name):
    text = sqlfiles.load(kind, name)
    out = sqlglot.transpile(text, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE,
                             comments=False)
    assert len(out) == 1 and out[0].upper().startswith(("SELECT", "WITH"))
    assert "_u(" not in out[0]  # sqlglot's sign of a table function it could not translate


@pytest.mark.parametrize("kind,name", PORTABLE)
def test_portable_sql_is_one_select(kind, name):
    parsed = sqlglot.parse(sqlfiles.load(kind, name), read="duckdb")
    assert len(parsed) == 1
    assert isinstance(parsed[0], (sqlglot.exp.Select, sqlglot.exp.Union)) or parsed[0].find(sqlglot.exp.Select)


def test_migrations_are_numbered_in_order():
    versions = [v for v, _, _ in sqlfiles.migrations()]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    for _, _, path in sqlfiles.migrations():
        assert re.match(r"^\d{3}_[a-z0-9_]+\.sql$", path.name)


def test_transforms_are_loaded_by_name():
    assert "daily_counts" in sqlfiles.names("transforms")
    assert sqlfiles.transform("daily_counts").lstrip().startswith("--")
    with pytest.raises(KeyError):
        sqlfiles.transform("no_such_relation")
