"""tidy() (migrations 006, 010) is a faster trim(): the same result for every value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import intensity

# Characters that matter: ASCII, every space trim() strips, other non-ASCII (Cyrillic, CJK,
# emoji, a combining mark, a non-breaking zero-width space that is not Zs).
SPACES = [" ", "\u00a0", "\u1680", *map(chr, range(0x2000, 0x200B)), "\u202f", "\u205f", "\u3000"]
OTHERS = ["a", "Z", "0", ",", "\t", "\n", "щ", "Ї", "中", "😀", "\u0301", "\ufeff", "\u200b", "\u0085"]


@pytest.fixture(scope="module")
def con():
    c = intensity.connect(":memory:")
    yield c
    c.close()


def test_trim_strips_exactly_the_listed_spaces(con):
    # tidy() checks only these code points; if DuckDB's trim() ever strips another one,
    # tidy() must learn it (this runs over every code point).
    stripped = con.execute(
        """
        SELECT list(i ORDER BY i) FROM range(1, 1114112) AS t(i)
        WHERE (i < 55296 OR i > 57343)
          AND (trim('a' || chr(i::INT)) <> 'a' || chr(i::INT) OR trim(chr(i::INT) || 'a') <> chr(i::INT) || 'a')
        """
    ).fetchall()[0][0]
    assert [chr(i) for i in stripped] == SPACES


def test_tidy_equals_trim_at_every_code_point(con):
    rows = con.execute(
        """
        WITH v AS (
            SELECT chr(i::INT) AS c FROM range(1, 1114112) AS t(i) WHERE i < 55296 OR i > 57343
        ), s AS (
            SELECT unnest([c, c || 'ab', 'ab' || c, c || 'щ' || c, 'x ' || c, c || ' x', c || c]) AS x FROM v
        )
        SELECT count(*), count(*) FILTER (WHERE tidy(x) IS DISTINCT FROM trim(x)) FROM s
        """
    ).fetchall()[0]
    assert rows[0] > 7_000_000 and rows[1] == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SPACES + OTHERS), max_size=12).map("".join))
def test_tidy_equals_trim(con, text):
    tidy, trim = con.execute("SELECT tidy(?), trim(?)", [text, text]).fetchall()[0]
    assert tidy == trim


def test_tidy_of_null_and_empty(con):
    assert con.execute("SELECT tidy(NULL), tidy(''), tidy('  a b  ')").fetchall()[0] == (None, "", "a b")
