"""A waterfall chart (Vega-Lite through Altair, as web/charts.py): the previous figure, each
contributor's part of the change, and the current figure, as horizontal bars top to bottom."""

from __future__ import annotations

from typing import Any

import altair as alt

from pulso.web.charts import BAD, GOOD, INK, NEUTRAL, room


def spec(steps: list[dict[str, Any]], *, unit: str, value_title: str, height: int | None = None) -> dict[str, Any]:
    """Steps {label, start, end, text, meaning} in order: 'total' bars (the figure before and
    after, drawn from 0) and 'good' / 'bad' / 'neutral' bars from the running figure."""
    order = [s["label"] for s in steps]
    fmt = ".0%" if unit == "%" else ",.0f" if unit in ("currency", "count", "currency/day") else ",.1f"
    chart = alt.Chart(alt.Data(values=steps)).properties(width="container", height=height or max(90, 28 * len(steps)))
    bars = chart.mark_bar(height={"band": 0.7}).encode(
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=160)),
        x=alt.X("start:Q", title=value_title, axis=alt.Axis(format=fmt, **room("width"))),
        x2="end:Q",
        color=alt.Color("meaning:N", legend=None, scale=alt.Scale(domain=["total", "good", "bad", "neutral"],
                                                                  range=[INK, GOOD, BAD, NEUTRAL])),
        tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("text:N", title=value_title)],
    )
    out = bars.configure_view(stroke=None).configure_axis(
        labelColor="#444", titleColor="#444", gridColor="#eee", domainColor="#ccc").to_dict(validate=False)
    out.pop("$schema", None)
    return out


def steps(previous: float, parts: list[tuple[str, float, str]], value: float, *, before: tuple[str, str],
          after: tuple[str, str], direction: str) -> list[dict[str, Any]]:
    """The bars: (label, text) of the figure before, each (label, contribution, text) in order, and
    (label, text) of the figure after; a part is good or bad by the KPI's direction."""
    out = [{"label": before[0], "start": 0.0, "end": previous, "text": before[1], "meaning": "total"}]
    running = previous
    for label, amount, text in parts:
        good = amount > 0 if direction == "up" else amount < 0
        meaning = "neutral" if direction not in ("up", "down") or amount == 0 else "good" if good else "bad"
        out.append({"label": label, "start": running, "end": running + amount, "text": text, "meaning": meaning})
        running += amount
    out.append({"label": after[0], "start": 0.0, "end": value, "text": after[1], "meaning": "total"})
    return out
