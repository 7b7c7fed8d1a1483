-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- avg_time_on_site_seconds · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t8"."seconds", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."sessions", 0.0), 0) AS "value",
  COALESCE("t8"."seconds", 0.0) AS "numerator",
  COALESCE("t8"."sessions", 0.0) AS "denominator",
  "t8"."seconds_v" AS "median"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."seconds") AS "seconds",
    SUM("t6"."sessions") AS "sessions",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t6"."seconds_v") AS "seconds_v"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_seconds" AS "seconds",
      "t5"."_m_sessions" AS "sessions",
      "t5"."_m_seconds_v" AS "seconds_v"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."visitor_id",
        "t1"."source",
        "t1"."started_at",
        "t1"."duration_s",
        "t1"."landing_page",
        CAST("t1"."duration_s" AS DOUBLE PRECISION) AS "_m_seconds",
        CAST(1 AS DOUBLE PRECISION) AS "_m_sessions",
        CAST("t1"."duration_s" AS DOUBLE PRECISION) AS "_m_seconds_v"
      FROM "web_sessions" AS "t1"
      WHERE
        "t1"."duration_s" IS NOT NULL
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."started_at" >= "t3"."_p_start" AND "t5"."started_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";
