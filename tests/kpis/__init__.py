"""KPI value tests on tiny hand-computed fixtures, one module per area of KPIS.md."""
