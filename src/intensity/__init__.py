"""intensity: conflict-intensity analytics on a local DuckDB event store.

The public API is small and lazy: importing :mod:`intensity` does not import
DuckDB, Polars or statsmodels, so the command line starts fast.

    >>> import intensity
    >>> con = intensity.connect("data/intensity.duckdb")      # doctest: +SKIP
    >>> intensity.ingest_files(con, ["events.csv"])               # doctest: +SKIP
    >>> intensity.counts(con, since="2024-03", until="2024-04-15")  # doctest: +SKIP
"""

__version__ = "0.1.0"

_LAZY = {
    "connect": ("intensity.db", "connect"),
    "query": ("intensity.db", "query"),
    "ingest_files": ("intensity.ingest", "ingest_files"),
    "counts": ("intensity.aggregate", "counts"),
    "simulate_events": ("intensity.datasets", "simulate_events"),
    "build_demo": ("intensity.datasets", "build_demo"),
    "detect_signals": ("intensity.detect", "detect_signals"),
    "rank_series": ("intensity.detect", "rank_series"),
    "series_trace": ("intensity.detect", "series_trace"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'intensity' has no attribute {name!r}")
