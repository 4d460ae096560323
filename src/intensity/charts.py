"""Report charts with matplotlib's object API (no pyplot state, Agg canvas).

Each function takes Polars frames and returns a :class:`matplotlib.figure.Figure`;
:func:`png_bytes` renders it deterministically (no timestamp or software tag in
the PNG), so the same data gives byte-identical files.

Speed: a report draws a dozen of these, so margins are set in inches from the
labels' measured sizes instead of by matplotlib's constrained layout (which
lays every tick label out several times per save and cost more than drawing),
and daily bars are one filled step path, not one rectangle per day.
"""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import polars as pl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

# Okabe-Ito colours, one per event type, used by every chart and the HTML legend.
TYPE_COLORS = {
    "battles": "#D55E00",
    "explosions_remote_violence": "#E69F00",
    "violence_against_civilians": "#CC79A7",
    "protests": "#56B4E9",
    "riots": "#009E73",
    "strategic_developments": "#7F7F7F",
}
TYPE_LABELS = {
    "battles": "Battles",
    "explosions_remote_violence": "Explosions/Remote violence",
    "violence_against_civilians": "Violence against civilians",
    "protests": "Protests",
    "riots": "Riots",
    "strategic_developments": "Strategic developments",
}
WIDTH_IN = 10.0  # 1000 px at 100 dpi: fits a laptop screen and a 16:9 slide
DPI = 100


def _date_axis(ax) -> None:
    locator = AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _figure(height: float) -> Figure:
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _text_width_in(fig: Figure, texts, *, size: float) -> float:
    """Widest of ``texts`` in inches at font ``size`` (points), measured by the Agg renderer."""
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()
    prop = FontProperties(size=size)
    widths = [renderer.get_text_width_height_descent(t, prop, ismath=False)[0] for t in texts if t]
    return max(widths, default=0.0) / fig.dpi


def _value_label_width_in(fig: Figure, vmax: float) -> float:
    """Room for y tick labels of a linear axis from 0 to ``vmax`` (default 10 pt ticks).

    The labels are at most as wide as the largest value printed with one decimal
    (``ScalarFormatter`` shows plain numbers below 1e6), e.g. ``"1250.5"``.
    """
    vmax = max(float(vmax), 1.0) if np.isfinite(vmax) else 1.0
    return _text_width_in(fig, [f"{vmax * 1.05:.1f}"], size=10)


def _layout(fig: Figure, *, left: float, bottom: float, top: float, right: float = 0.2,
            hspace_in: float = 0.0, rows: int = 1) -> None:
    """Place the axes grid with margins in inches (and ``hspace_in`` between rows)."""
    w, h = fig.get_size_inches()
    inner = h - top - bottom
    axes_h = (inner - hspace_in * (rows - 1)) / rows
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h,
                        hspace=hspace_in / axes_h if rows > 1 else 0.2)


# Fixed margins (inches) around the axes: date ticks with the ConciseDateFormatter's
# offset line ("2024-Dec") below them, a 10 pt bold title above.
Y_LABEL_IN = 0.42  # the rotated y-axis label, tick marks and pads
DATE_AXIS_IN = 0.5
TITLE_IN = 0.32


def png_bytes(fig: Figure) -> bytes:
    """Render a figure as PNG bytes without the metadata that changes between runs."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def country_weekly(daily: pl.DataFrame, *, max_countries: int = 6) -> pl.DataFrame:
    """The data behind :func:`country_totals`: events per country, event type and
    ACLED week (Saturday to Friday, as ``intensity counts --by week``), busiest countries first."""
    totals = daily.group_by("country_iso3").agg(pl.col("events").sum()).sort(
        ["events", "country_iso3"], descending=[True, False])
    countries = totals["country_iso3"].head(max_countries).to_list()
    rank = {c: i for i, c in enumerate(countries)}
    return (
        daily.filter(pl.col("country_iso3").is_in(countries))
        # dates.acled_week_start, vectorised: weekday() is 1 (Monday) .. 7 (Sunday)
        .with_columns(week=pl.col("day") - pl.duration(days=(pl.col("day").dt.weekday() + 1) % 7))
        .group_by("country_iso3", "event_type", "week")
        .agg(pl.col("events").sum())
        .with_columns(_rank=pl.col("country_iso3").replace_strict(rank, return_dtype=pl.Int32))
        .sort("_rank", "event_type", "week")
        .drop("_rank")
    )


def country_totals(daily: pl.DataFrame, *, max_countries: int = 6) -> Figure:
    """Weekly events per country, stacked by event type: one panel per country.

    Args:
        daily: zero-filled daily counts (``intensity.counts`` columns).
        max_countries: panels to draw, busiest countries first.
    """
    weekly = country_weekly(daily, max_countries=max_countries)
    countries = list(dict.fromkeys(weekly["country_iso3"].to_list()))
    n = max(len(countries), 1)
    fig = _figure(1.0 + 1.7 * n)
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    weeks = sorted(set(weekly["week"].to_list())) or [date.today()]
    peak = weekly.group_by("country_iso3", "week").agg(pl.col("events").sum())["events"].max() or 1
    present = [et for et in TYPE_COLORS if et in set(weekly.filter(pl.col("events") > 0)["event_type"].to_list())]
    legend_rows = -(-len(present) // 3)
    _layout(fig, left=Y_LABEL_IN + _value_label_width_in(fig, peak), top=TITLE_IN,
            bottom=DATE_AXIS_IN + 0.1 + 0.19 * legend_rows, hspace_in=TITLE_IN + 0.05, rows=n)
    for ax, country in zip(axes, countries):
        sub = weekly.filter(pl.col("country_iso3") == country)
        stacks, colors, labels = [], [], []
        for et in TYPE_COLORS:
            s = sub.filter(pl.col("event_type") == et)
            if s.is_empty() or s["events"].sum() == 0:
                continue
            lookup = dict(zip(s["week"].to_list(), s["events"].to_list()))
            stacks.append([lookup.get(w, 0) for w in weeks])
            colors.append(TYPE_COLORS[et])
            labels.append(TYPE_LABELS[et])
        if stacks:
            ax.stackplot(weeks, *stacks, colors=colors, labels=labels, step="post", alpha=0.9)
        ax.set_ylabel("events / week")
        ax.set_title(country, loc="left", fontsize=10, fontweight="bold", y=1.0)  # fixed y: no auto-placement pass
        ax.grid(axis="y", alpha=0.3)
        _date_axis(ax)
    handles = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    if handles:
        fig.legend(handles.values(), handles.keys(), loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=3,
                   fontsize=8, frameon=False, borderaxespad=0.2)
    return fig


def region_heatmap(daily: pl.DataFrame, *, top: int = 25) -> Figure:
    """Events per region and day (all event types), busiest regions on top.

    Colour is log-scaled (``log1p``) so quiet regions stay visible next to busy ones.
    """
    per = (
        daily.with_columns(label=pl.format("{} ({})", pl.col("admin1").fill_null("unresolved"),
                                           pl.col("admin1_code").fill_null(pl.col("country_iso3"))))
        .group_by("label", "day").agg(pl.col("events").sum())
    )
    order = per.group_by("label").agg(pl.col("events").sum()).sort(["events", "label"], descending=[True, False])
    labels = order["label"].head(top).to_list()
    days = sorted(set(per["day"].to_list()))
    grid = np.zeros((len(labels), len(days)))
    di = {d: i for i, d in enumerate(days)}
    li = {lab: i for i, lab in enumerate(labels)}
    for lab, d, v in per.filter(pl.col("label").is_in(labels)).iter_rows():
        grid[li[lab], di[d]] = v
    fig = _figure(1.2 + 0.28 * max(len(labels), 3))
    # Right margin: the colour bar (its width, pad, tick labels and rotated label).
    _layout(fig, left=0.2 + _text_width_in(fig, labels, size=8), bottom=DATE_AXIS_IN, top=0.15, right=0.95)
    ax = fig.add_subplot()
    if days:
        import matplotlib.dates as mdates

        x0, x1 = mdates.date2num(days[0]), mdates.date2num(days[-1]) + 1
        im = ax.imshow(np.log1p(grid), aspect="auto", interpolation="nearest", cmap="magma_r",
                       extent=(x0, x1, len(labels), 0))
        ax.xaxis_date()
        _date_axis(ax)
        # The colour bar gets its own axes in the right margin, as tall as the heatmap.
        box = ax.get_position()
        w = fig.get_size_inches()[0]
        cax = fig.add_axes((box.x1 + 0.1 / w, box.y0, 0.16 / w, box.height))
        cbar = fig.colorbar(im, cax=cax)
        ticks = [t for t in (0, 1, 3, 10, 30, 100, 300) if t <= max(grid.max(), 1)]
        cbar.set_ticks(np.log1p(ticks), labels=[str(t) for t in ticks])
        cbar.set_label("events / day")
    ax.set_yticks(np.arange(len(labels)) + 0.5, labels=labels, fontsize=8)
    return fig


def series_panel(trace: pl.DataFrame, *, title: str, first_alarm: date | None = None,
                 onset: date | None = None, event_type: str | None = None) -> Figure:
    """Daily counts of one series with its 7-day mean, baseline band, alarm and onset.

    Args:
        trace: columns ``day``, ``events`` and optionally ``baseline``, ``baseline_lo``,
            ``baseline_hi`` (expected daily count and its band).
    """
    import matplotlib.dates as mdates

    trace = trace.sort("day")
    days = trace["day"].to_list()
    events = trace["events"].cast(pl.Float64).fill_null(0.0).to_numpy()
    color = TYPE_COLORS.get(event_type or "", "#444444")
    fig = _figure(3.2)
    peak = float(np.nanmax(events)) if len(events) else 1.0
    if "baseline_hi" in trace.columns and trace["baseline_hi"].max() is not None:
        peak = max(peak, float(trace["baseline_hi"].max()))
    _layout(fig, left=Y_LABEL_IN + _value_label_width_in(fig, peak), bottom=DATE_AXIS_IN, top=TITLE_IN)
    ax = fig.add_subplot()
    if days:
        # One bar per day, centred on the day (as ax.bar drew them), as a single filled step path.
        x = mdates.date2num(days)
        ax.stairs(events, np.r_[x - 0.5, x[-1] + 0.5], fill=True, color=color, alpha=0.45, linewidth=0,
                  label="events / day")
        ax.xaxis_date()
    mean7 = trace["events"].cast(pl.Float64).rolling_mean(7, min_samples=1).to_numpy()
    ax.plot(days, mean7, color=color, linewidth=2, label="7-day mean")
    if "baseline" in trace.columns:
        base = trace["baseline"].cast(pl.Float64).to_numpy()
        ax.plot(days, base, color="#333333", linestyle="--", linewidth=1.2, label="baseline (56-day mean)")
        if {"baseline_lo", "baseline_hi"} <= set(trace.columns):
            ax.fill_between(days, trace["baseline_lo"].cast(pl.Float64).to_numpy(),
                            trace["baseline_hi"].cast(pl.Float64).to_numpy(), color="#999999", alpha=0.25,
                            linewidth=0, label="baseline 95% band")
    if onset:
        ax.axvline(onset, color="#0072B2", linestyle=":", linewidth=1.5, label=f"onset {onset:%d %b}")
    if first_alarm:
        ax.axvline(first_alarm, color="#C00000", linewidth=1.5, label=f"first alarm {first_alarm:%d %b}")
    ax.set_title(title, loc="left", fontsize=10, fontweight="bold", y=1.0)  # fixed y: no auto-placement pass
    ax.set_ylabel("events / day")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    _date_axis(ax)
    return fig


def intensity_lines(index: pl.DataFrame, *, max_countries: int = 6) -> Figure:
    """7-day mean of the severity-weighted intensity index per country.

    Args:
        index: columns ``country_iso3``, ``day``, ``intensity``.
    """
    per = index.group_by("country_iso3", "day").agg(pl.col("intensity").sum()).sort("country_iso3", "day")
    order = per.group_by("country_iso3").agg(pl.col("intensity").sum()).sort(
        ["intensity", "country_iso3"], descending=[True, False])
    fig = _figure(3.2)
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    lines = []
    for color, country in zip(palette, order["country_iso3"].head(max_countries).to_list()):
        s = per.filter(pl.col("country_iso3") == country)
        lines.append((color, country, s["day"].to_list(), s["intensity"].rolling_mean(7, min_samples=1).to_numpy()))
    peak = max((float(np.nanmax(y)) for *_, y in lines if len(y)), default=1.0)
    _layout(fig, left=Y_LABEL_IN + _value_label_width_in(fig, peak), bottom=DATE_AXIS_IN, top=0.15)
    ax = fig.add_subplot()
    for color, country, x, y in lines:
        ax.plot(x, y, color=color, linewidth=1.8, label=country)
    ax.set_ylabel("weighted events / day (7-day mean)")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=6)
    _date_axis(ax)
    return fig
