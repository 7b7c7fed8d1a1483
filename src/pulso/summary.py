"""Headline figures for `pulso status` and `pulso demo`: a first look at a workspace."""

from __future__ import annotations

import sqlalchemy as sa

from pulso.store import schema as s


def headline_figures(store) -> list[tuple[str, str]]:
    """(label, formatted value) pairs over the last twelve months of data."""
    with store.engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(s.deals.c.created_at))).scalar()
        if last is None:
            return [("deals", "none yet: run `pulso demo` or import your data")]
        since = last - __import__("datetime").timedelta(days=365)
        d = s.deals.c
        closed = sa.and_(d.closed_at >= since, d.status.in_(("won", "lost")))
        won, lost, revenue = conn.execute(
            sa.select(
                sa.func.count().filter(d.status == "won"),
                sa.func.count().filter(d.status == "lost"),
                sa.func.coalesce(sa.func.sum(d.amount).filter(d.status == "won"), 0),
            ).where(closed)
        ).one()
        open_n, pipeline = conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(d.amount), 0)).where(d.status == "open")
        ).one()
        a = s.accounts.c
        customers = conn.execute(
            sa.select(sa.func.count()).where(a.acquired_at.is_not(None), a.churned_at.is_(None))
        ).scalar()
    currency = store.settings_dict().get("currency", "")
    rate = f"{won / (won + lost):.1%}" if won + lost else "—"
    return [
        ("revenue won, last 12 months", f"{float(revenue):,.0f} {currency}"),
        ("close rate, last 12 months", rate),
        ("open deals", f"{open_n:,}"),
        ("open pipeline", f"{float(pipeline):,.0f} {currency}"),
        ("active customers", f"{customers:,}"),
    ]
