-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- avg_time_on_site_seconds · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."seconds", 0.0) / NULLIF(COALESCE("t10"."sessions", 0.0), 0) AS "value",
  COALESCE("t10"."seconds", 0.0) AS "numerator",
  COALESCE("t10"."sessions", 0.0) AS "denominator",
  "t10"."seconds_v" AS "median"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."seconds") AS "seconds",
    SUM("t8"."sessions") AS "sessions",
    QUANTILE_CONT("t8"."seconds_v", 0.5) AS "seconds_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_m_seconds" AS "seconds",
      "t7"."_m_sessions" AS "sessions",
      "t7"."_m_seconds_v" AS "seconds_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t2"."id",
          "t2"."external_id",
          "t2"."visitor_id",
          "t2"."source",
          "t2"."started_at",
          "t2"."duration_s",
          "t2"."landing_page",
          CAST("t2"."duration_s" AS DOUBLE) AS "_m_seconds",
          CAST(1 AS DOUBLE) AS "_m_sessions",
          CAST("t2"."duration_s" AS DOUBLE) AS "_m_seconds_v"
        FROM "web_sessions" AS "t2"
        WHERE
          "t2"."duration_s" IS NOT NULL
      ) AS "t5"
      WHERE
        (
          (
            "t5"."started_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."started_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."started_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."started_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."started_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t3"."_pid" = "t10"."_apid";
