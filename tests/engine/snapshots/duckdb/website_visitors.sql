-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- website_visitors · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."visitors", 0.0) AS "value",
  COALESCE("t10"."visitors", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."visitors") AS "visitors"
  FROM (
    SELECT
      "t4"."_pid",
      CAST(CASE
        WHEN COALESCE(
          (
            "t7"."_prev_start" IS NULL
          ) OR (
            "t7"."_prev_start" < "t4"."_p_start"
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END AS DOUBLE) AS "visitors"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          *
        FROM "pulso_fact_visitor_sessions" AS "t2"
        WHERE
          (
            (
              "t2"."started_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t2"."started_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t2"."started_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t2"."started_at" < GETVARIABLE('pulso_hi2')
            )
          )
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
