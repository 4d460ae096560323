"""The event taxonomy: ACLED's 6 event types and 25 sub-event types as snake_case codes."""

from __future__ import annotations

import csv
from functools import cache

from intensity.resources import reference_dir


@cache
def rows() -> tuple[dict, ...]:
    """The taxonomy as dicts, one per sub-event type (``data/reference/event_types.csv``)."""
    with open(reference_dir() / "event_types.csv", newline="", encoding="utf-8") as fh:
        out = []
        for r in csv.DictReader(fh):
            r["severity"] = float(r["severity"])
            r["violent"] = r["violent"] == "true"
            out.append(r)
        return tuple(out)


def event_types() -> list[str]:
    """The 6 event type codes, in taxonomy order."""
    return list(dict.fromkeys(r["event_type"] for r in rows()))


def sub_event_types() -> list[str]:
    """The 25 sub-event type codes, in taxonomy order."""
    return [r["sub_event_type"] for r in rows()]


def parent(sub_event_type: str) -> str:
    """The event type a sub-event type belongs to."""
    for r in rows():
        if r["sub_event_type"] == sub_event_type:
            return r["event_type"]
    raise KeyError(sub_event_type)


def seed(con) -> None:
    """Replace the ``event_types`` table with the shipped taxonomy."""
    con.execute("DELETE FROM event_types")
    con.executemany(
        "INSERT INTO event_types VALUES (?, ?, ?, ?, ?, ?)",
        [
            [r["sub_event_type"], r["sub_event_type_label"], r["event_type"],
             r["event_type_label"], r["severity"], r["violent"]]
            for r in rows()
        ],
    )
