"""The board's next tasks are read by deal id: migration 0015 gives activities(deal_id) an index on
both backends (DuckDB only uses it for a `deal_id IN (…)` alone, which is how ws.board asks)."""

from __future__ import annotations

import sqlalchemy as sa


def test_activities_have_an_index_on_deal_id(store):
    with store.engine.connect() as conn:
        if conn.dialect.name == "duckdb":
            found = conn.execute(sa.text("SELECT index_name, expressions FROM duckdb_indexes() "
                                         "WHERE table_name = 'activities'")).all()
            assert [name for name, _ in found] == ["ix_activities_deal_id"] and "deal_id" in found[0][1]
        else:
            found = sa.inspect(conn).get_indexes("activities")
            assert {"name": "ix_activities_deal_id", "column_names": ["deal_id"]}.items() <= \
                next(i for i in found if i["name"] == "ix_activities_deal_id").items()
