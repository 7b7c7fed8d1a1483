"""Vega-Lite specs built with Altair; the page renders them with vega-embed.

One quiet colour for a single series; a categorical palette only when a chart splits by a
dimension; green and red only where they mean good and bad.
"""

from __future__ import annotations

from typing import Any

import altair as alt

INK = "#3b5b7a"
GOOD, BAD, NEUTRAL = "#2e7d4f", "#b23b3b", "#9aa5b1"


def _axis_format(unit: str) -> str | None:
    if unit == "%":
        return ".0%"
    if unit in ("currency", "count", "currency/day"):
        return ",.0f"
    return ",.1f"


#: Compact axis labels, as Babel's compact formats write them (pulso.formatting.fmt_compact):
#: (at least, divisor, suffix) per language, largest first; the number in the page's locale.
COMPACT = {"es": ((1e9, 1e9, " mil M"), (1e6, 1e6, " M"), (1e4, 1e3, " mil")),
           "en": ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "K"))}


def compact_label(lang: str) -> str:
    """A Vega expression for an axis label: '1,2 M' / '1.2M', '15,3 mil' / '15.3K' from ten thousand
    up, else the axis' own label (so a huge figure never crowds the axis)."""
    expr = "datum.label"
    for least, divisor, suffix in reversed(COMPACT.get(lang, COMPACT["en"])):
        expr = (f"abs(datum.value) >= {least:.0f} ? format(datum.value / {divisor:.0f}, ',.1~f') + '{suffix}' : {expr}")
    return expr


#: Room a value axis' label needs (px) along a horizontal and a vertical axis: the axis asks for
#: about one tick per that much of its length, so a narrow chart (a phone, long category names)
#: gets fewer ticks; labels closer than LABEL_GAP are thinned out (never '80%100%').
LABEL_ROOM = {"width": 56, "height": 36}
LABEL_GAP = 6


def room(along: str = "width") -> dict[str, Any]:
    """A value axis' tick count by its length (`along`: the chart's width for a horizontal axis,
    its height for a vertical one) and its overlapping labels hidden."""
    return {"tickCount": {"expr": f"max(2, floor({along} / {LABEL_ROOM[along]}))"}, "labelOverlap": True,
            "labelSeparation": LABEL_GAP}


def _value_axis(unit: str, lang: str = "en", along: str = "height") -> alt.Axis:
    """The value axis: whole numbers of things get whole ticks, each once (never 0 0 0 1 1 1);
    money and counts compact from ten thousand up; ticks by the axis' length (`along`: the
    chart's width for a horizontal axis, its height for a vertical one), overlapping labels hidden."""
    fit = room(along)
    if unit == "count":
        return alt.Axis(format=",d", tickMinStep=1, labelExpr=compact_label(lang), **fit)
    if unit in ("currency", "currency/day"):
        return alt.Axis(format=_axis_format(unit), labelExpr=compact_label(lang), **fit)
    return alt.Axis(format=_axis_format(unit), **fit)


def _value_scale(values: list[Any]) -> alt.Scale:
    """Bars start at zero; an axis goes below zero only when a value does."""
    known = [v for v in values if v is not None]
    return alt.Scale(zero=True, domainMin=0) if all(v >= 0 for v in known) else alt.Scale(zero=True)


def _base(rows: list[dict], height: int) -> alt.Chart:
    return alt.Chart(alt.Data(values=rows)).properties(width="container", height=height)


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.configure_view(stroke=None).configure_axis(
        labelColor="#444", titleColor="#444", gridColor="#eee", domainColor="#ccc"
    ).to_dict(validate=False)
    spec.pop("$schema", None)
    return spec


_TIME_AXIS = {  # grain → (tick interval, step, label format)
    "day": ("day", 1, "%d %b"), "week": ("week", 1, "%d %b"), "month": ("month", 1, "%b %y"),
    "quarter": ("month", 3, "%b %y"), "year": ("year", 1, "%Y"),
}


def line_over_time(points: list[dict], *, unit: str, value_title: str, grain: str = "month",
                   series_title: str | None = None, height: int = 220, lang: str = "en") -> dict[str, Any]:
    """Points {period, label, value[, series]} as a line (one per series when split)."""
    interval, step, time_format = _TIME_AXIS.get(grain, _TIME_AXIS["month"])
    buckets = len({p["period"] for p in points})
    if buckets > 14:  # keep about a dozen labels
        step *= -(-buckets // 12)
    enc: dict[str, Any] = {
        "x": alt.X("period:T", title=None, axis=alt.Axis(format=time_format, labelAngle=0, labelOverlap=True,
                                                          labelSeparation=LABEL_GAP,
                                                          tickCount={"interval": interval, "step": step})),
        "y": alt.Y("value:Q", title=value_title, axis=_value_axis(unit, lang)),
        "tooltip": [alt.Tooltip("label:N", title=" "), alt.Tooltip("text:N", title=value_title)],
    }
    if series_title:
        enc["color"] = alt.Color("series:N", title=series_title, scale=alt.Scale(scheme="tableau10"))
        enc["tooltip"].insert(0, alt.Tooltip("series:N", title=series_title))
        mark = _base(points, height).mark_line(point=True, strokeWidth=1.5)
    else:
        mark = _base(points, height).mark_line(point=True, color=INK, strokeWidth=2)
    return _spec(mark.encode(**enc))


def bars(items: list[dict], *, unit: str, value_title: str, category_title: str, height: int | None = None,
         colour_field: str | None = None, lang: str = "en") -> dict[str, Any]:
    """Items {label, value, text[, meaning]} as horizontal bars, in the given order."""
    order = [i["label"] for i in items]
    colour: Any = alt.value(INK)
    if colour_field:
        colour = alt.Color(f"{colour_field}:N", legend=None,
                           scale=alt.Scale(domain=["good", "bad", "neutral"], range=[GOOD, BAD, NEUTRAL]))
    chart = _base(items, height or max(80, 26 * len(items))).mark_bar(color=INK).encode(
        y=alt.Y("label:N", title=category_title, sort=order),
        x=alt.X("value:Q", title=value_title, axis=_value_axis(unit, lang, "width"),
                scale=_value_scale([i["value"] for i in items])),
        color=colour,
        tooltip=[alt.Tooltip("label:N", title=category_title), alt.Tooltip("text:N", title=value_title)],
    )
    return _spec(chart)


def stacked_share(items: list[dict], *, title: str) -> dict[str, Any]:
    """Items {label, value, meaning} as one stacked bar of shares (e.g. NPS answers)."""
    chart = _base(items, 60).mark_bar().encode(
        x=alt.X("value:Q", stack="normalize", title=title, axis=alt.Axis(format=".0%")),
        color=alt.Color("label:N", title=None, sort=[i["label"] for i in items],
                        scale=alt.Scale(domain=[i["label"] for i in items],
                                        range=[{"good": GOOD, "bad": BAD}.get(i["meaning"], NEUTRAL) for i in items])),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("text:N", title=title)],
    )
    return _spec(chart)


def stacked_bars(items: list[dict], *, value_title: str, category_title: str, part_title: str) -> dict[str, Any]:
    """Items {label, part, value} as horizontal bars split into parts (e.g. activities by type)."""
    labels = list(dict.fromkeys(i["label"] for i in items))
    chart = _base(items, max(80, 26 * len(labels))).mark_bar().encode(
        y=alt.Y("label:N", title=category_title, sort=labels),
        x=alt.X("value:Q", title=value_title, axis=_value_axis("count", along="width")),
        color=alt.Color("part:N", title=part_title, scale=alt.Scale(scheme="tableau10")),
        tooltip=[alt.Tooltip("label:N", title=category_title), alt.Tooltip("part:N", title=part_title),
                 alt.Tooltip("value:Q", title=value_title, format=",.0f")],
    )
    return _spec(chart)
