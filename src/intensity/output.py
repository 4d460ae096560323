"""Write Polars frames to a text stream as an aligned table, CSV, JSON or JSON Lines.

:func:`table` writes plain rows, so a command that prints only a summary (ingest) need
not import Polars (~0.3 s of its start-up).
"""

from __future__ import annotations

import json
import math
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import polars as pl

FORMATS = ("table", "csv", "json", "jsonl")


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):  # a LIST: its items, comma-separated
        return ", ".join(map(_inner, v))
    if isinstance(v, dict):
        return _inner(v)
    return str(v).replace("\n", " ")


def _inner(v) -> str:
    # Values nested in a LIST or STRUCT keep their brackets, so [[1, 2], [3]] stays readable.
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(map(_inner, v)) + "]"
    if isinstance(v, dict):  # a STRUCT: key: value pairs
        return "{" + ", ".join(f"{k}: {_inner(x)}" for k, x in v.items()) + "}"
    return _cell(v)


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last an ellipsis when anything was cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _nested_as_json(df: pl.DataFrame) -> pl.DataFrame:
    """LIST/ARRAY/STRUCT columns as JSON text: CSV has no nested values."""
    import polars as pl

    nested = [c for c, t in df.schema.items() if t.is_nested()]
    return df.with_columns(
        pl.Series(c, [None if v is None else json.dumps(v, default=_json_default, ensure_ascii=False)
                      for v in df[c].to_list()], dtype=pl.String)
        for c in nested
    )


def _finite(v):
    # JSON has no NaN or Infinity (Python would write them, and strict parsers reject the file).
    return None if isinstance(v, float) and not math.isfinite(v) else v


def _json_default(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):  # DuckDB's sum() of integers is a HUGEINT, which arrives as a Decimal
        return int(v) if v == v.to_integral_value() else float(v)
    return str(v)


def write(df: pl.DataFrame, fmt: str = "table", out: TextIO | None = None, *, max_width: int = 60) -> None:
    """Write ``df`` to ``out`` (stdout by default) in one of :data:`FORMATS`."""
    out = out or sys.stdout
    if fmt == "csv":
        out.write(_nested_as_json(df).write_csv())
    elif fmt in ("json", "jsonl"):
        rows = [{k: _finite(v) for k, v in r.items()} for r in df.to_dicts()]
        if fmt == "json":
            json.dump(rows, out, default=_json_default, ensure_ascii=False)
            out.write("\n")
        else:
            for r in rows:
                out.write(json.dumps(r, default=_json_default, ensure_ascii=False) + "\n")
    elif fmt == "table":
        table(df.columns, df.iter_rows(), numeric=[t.is_numeric() for t in df.dtypes], out=out,
              max_width=max_width)
    else:
        raise ValueError(f"unknown output format {fmt!r}")


def table(columns: list[str], rows, *, numeric: list[bool], out: TextIO | None = None,
          max_width: int = 60) -> None:
    """Write ``rows`` (sequences in ``columns`` order) as an aligned text table.

    ``numeric`` says which columns are right-aligned; cells longer than ``max_width`` are cut
    and end in an ellipsis.
    """
    out = out or sys.stdout
    body = [[_clip(_cell(v), max_width) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in body)]) for i, c in enumerate(columns)]

    def line(cells):
        return "  ".join(
            (c.rjust(w) if num else c.ljust(w)) for c, w, num in zip(cells, widths, numeric)
        ).rstrip()

    out.write(line(columns) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in body:
        out.write(line(r) + "\n")
    out.write(f"({len(body)} row{'s' if len(body) != 1 else ''})\n")
