"""Date arguments: months, days, relative spans, errors."""

from datetime import date

import pytest

from intensity.dates import acled_week_start, parse_date, window
from intensity.errors import UsageError

AS_OF = date(2024, 4, 15)


@pytest.mark.parametrize(
    "text,end,expected",
    [
        ("2024-03", False, date(2024, 3, 1)),
        ("2024-03", True, date(2024, 3, 31)),
        ("2024-02", True, date(2024, 2, 29)),
        ("2023-02", True, date(2023, 2, 28)),
        ("2024-03-15", False, date(2024, 3, 15)),
        ("2024-03-15", True, date(2024, 3, 15)),
        ("2024", False, date(2024, 1, 1)),
        ("2024", True, date(2024, 12, 31)),
        ("30d", False, date(2024, 3, 17)),  # the last 30 days, AS_OF included
        ("30d", True, date(2024, 3, 16)),  # as an end: 30 days back
        ("1w", True, date(2024, 4, 8)),
        ("8w", False, date(2024, 2, 20)),
        ("6m", False, date(2023, 10, 16)),
        ("1y", False, date(2023, 4, 16)),
        ("today", False, AS_OF),
        ("yesterday", True, date(2024, 4, 14)),
    ],
)
def test_parse_date(text, end, expected):
    assert parse_date(text, end=end, as_of=AS_OF) == expected


def test_month_arithmetic_clamps_day():
    assert parse_date("1m", end=True, as_of=date(2024, 3, 31)) == date(2024, 2, 29)
    assert parse_date("1m", as_of=date(2024, 3, 31)) == date(2024, 3, 1)


@pytest.mark.parametrize("n", [1, 7, 28, 30])
def test_a_span_of_n_days_is_n_days(n):
    lo, hi = window(f"{n}d", None, as_of=AS_OF)
    assert hi == AS_OF and (hi - lo).days + 1 == n


@pytest.mark.parametrize("huge", ["9999999d", "3000y", "99999999999999999999d", "999999999w"])
def test_spans_before_year_one_are_usage_errors(huge):
    with pytest.raises(UsageError, match="before the year 1") as info:
        parse_date(huge, as_of=AS_OF)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("bad", ["2024-13", "2024-02-30", "yesterweek", "", "30x", "-5d", "2024/03/01"])
def test_bad_dates_are_usage_errors(bad):
    with pytest.raises(UsageError) as info:
        parse_date(bad, as_of=AS_OF)
    assert info.value.exit_code == 2


def test_window_defaults_and_order():
    assert window("2024-03", "2024-04-15", as_of=AS_OF) == (date(2024, 3, 1), date(2024, 4, 15))
    assert window(None, None, as_of=AS_OF) == (date(2024, 1, 17), AS_OF)
    with pytest.raises(UsageError, match="after"):
        window("2024-04", "2024-03", as_of=AS_OF)


def test_acled_weeks_run_saturday_to_friday():
    assert acled_week_start(date(2024, 3, 2)) == date(2024, 3, 2)  # a Saturday
    assert acled_week_start(date(2024, 3, 8)) == date(2024, 3, 2)  # the Friday after
    assert acled_week_start(date(2024, 3, 9)) == date(2024, 3, 9)
