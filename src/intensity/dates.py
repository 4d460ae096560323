"""Dates on the command line: ``2024-03``, ``2024-03-15``, ``30d``, ``8w``, ``6m``, ``today``."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from intensity.errors import UsageError

_RELATIVE = re.compile(r"^(\d+)\s*([dwmy])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _months_back(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - n, 12)
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def parse_date(value: str | date, *, end: bool = False, as_of: date | None = None) -> date:
    """Parse a date argument.

    Args:
        value: ``YYYY-MM-DD``; ``YYYY-MM`` or ``YYYY`` (a month or year: its first
            day, or with ``end`` its last day); ``Nd``/``Nw``/``Nm``/``Ny`` counted
            back from ``as_of`` (as a start: the last N days, ``as_of`` included; as an
            end: the day N back); ``today`` or ``yesterday``.
        end: the value bounds a window from above (``--until``).
        as_of: the reference day for relative values (default: today).

    Raises:
        UsageError: the value is none of the above.
    """
    if isinstance(value, date):
        return value
    text = str(value).strip().lower()
    ref = as_of or date.today()
    if text == "today":
        return ref
    if text == "yesterday":
        return ref - timedelta(days=1)
    if m := _RELATIVE.match(text):
        n, unit = int(m.group(1)), m.group(2)
        try:
            if unit == "d":
                back = ref - timedelta(days=n)
            elif unit == "w":
                back = ref - timedelta(weeks=n)
            else:
                back = _months_back(ref, n * (12 if unit == "y" else 1))
            # As a start, a span of N days is the last N days, the reference day included; as
            # an end (--until 1w), the day N days back.
            return back if end or n == 0 else back + timedelta(days=1)
        except (OverflowError, ValueError):
            raise UsageError(f"{value!r} reaches back before the year 1",
                             hint=f"the span counts back from {ref}; give a shorter one or a date") from None
    try:
        if m := _MONTH.match(text):
            y, mo = int(m.group(1)), int(m.group(2))
            return date(y, mo, calendar.monthrange(y, mo)[1] if end else 1)
        if m := _YEAR.match(text):
            y = int(m.group(1))
            return date(y, 12, 31) if end else date(y, 1, 1)
        return date.fromisoformat(text)
    except ValueError:
        pass
    raise UsageError(
        f"cannot read {value!r} as a date",
        hint="use YYYY-MM-DD, YYYY-MM (a whole month), YYYY, or a span back from --as-of "
        "such as 30d, 8w, 6m",
    )


def window(
    since: str | date | None,
    until: str | date | None,
    *,
    as_of: date | None = None,
    default_days: int = 90,
) -> tuple[date, date]:
    """Resolve a ``(since, until)`` window; ``until`` defaults to ``as_of``.

    Raises:
        UsageError: ``since`` falls after ``until``.
    """
    ref = as_of or date.today()
    hi = parse_date(until, end=True, as_of=ref) if until is not None else ref
    lo = parse_date(since, as_of=ref) if since is not None else hi - timedelta(days=default_days - 1)
    if lo > hi:
        raise UsageError(f"--since {lo} is after --until {hi}",
                         hint="give an earlier --since; spans such as 30d count back from --as-of "
                         "(default: the last day with data)")
    return lo, hi


def last_event_day(con, country: str | None = None) -> date | None:
    """The last day with data in the store, or of one country's events (ISO3).

    With a country, its own: a store may hold an export of it that ends years before the
    others, and counting it up to their end would invent zeros (and de-escalations).
    """
    if country is None:
        return con.execute("SELECT max(event_date) FROM events").fetchall()[0][0]
    return con.execute("SELECT max(event_date) FROM events WHERE country_iso3 = ?", [country]).fetchall()[0][0]


def reference_from(last: date | None, as_of: date | None = None) -> date:
    """The day relative dates (``30d``, ``today``) count back from, given the last day with
    data (:func:`last_event_day`).

    ``as_of`` when given; otherwise that last day, or today when that is earlier (or the
    store is empty). Counting from the data rather than the calendar makes ``--since 30d``
    on an older export the last 30 days of that export in every command, as ``--until``
    already defaults to its last day.
    """
    if as_of is not None:
        return as_of
    today = date.today()
    return min(last, today) if last else today


def acled_week_start(d: date) -> date:
    """The Saturday that starts ACLED's Saturday-to-Friday week holding ``d``."""
    return d - timedelta(days=(d.weekday() + 2) % 7)
