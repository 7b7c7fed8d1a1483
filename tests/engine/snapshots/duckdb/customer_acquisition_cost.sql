-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- customer_acquisition_cost · duckdb · monthly, company scope, no split
SELECT
  "t4"."_pid",
  COALESCE("t17"."spend", 0.0) / NULLIF(COALESCE("t17"."new", 0.0), 0) AS "value",
  COALESCE("t17"."spend", 0.0) AS "numerator",
  COALESCE("t17"."new", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t15"."_pid" AS "_apid",
    SUM("t15"."spend") AS "spend",
    SUM("t15"."new") AS "new"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t12"."_pid",
        COALESCE(CAST("t12"."amount" AS DOUBLE), 0.0) * (
          CAST(LEAST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t12"."period_end") + 1, "t12"."_e_end") - GREATEST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t12"."period_start"), "t12"."_e_start") AS DOUBLE) / CAST((
            DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t12"."period_end") - DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t12"."period_start")
          ) + 1 AS DOUBLE)
        ) AS "spend",
        CAST(NULL AS DOUBLE) AS "new"
      FROM (
        SELECT
          "t9"."id",
          "t9"."external_id",
          "t9"."category",
          "t9"."channel",
          "t9"."campaign_id",
          "t9"."period_start",
          "t9"."period_end",
          "t9"."amount",
          "t9"."currency",
          "t5"."_pid",
          "t5"."_p_start",
          "t5"."_p_end",
          "t5"."_s_start",
          "t5"."_s_end",
          "t5"."_e_start",
          "t5"."_e_end",
          "t5"."_days",
          "t5"."_years"
        FROM (
          SELECT
            *
          FROM "spend" AS "t2"
          WHERE
            "t2"."category" IN ('marketing', 'sales')
        ) AS "t9"
        INNER JOIN "pulso_periods" AS "t5"
          ON DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t9"."period_start") < "t5"."_e_end"
          AND DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t9"."period_end") >= "t5"."_e_start"
      ) AS "t12"
    ) AS "t14"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t6"."_pid",
        CAST(NULL AS DOUBLE) AS "spend",
        "t11"."_m_new" AS "new"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t3"."id",
            "t3"."external_id",
            "t3"."name",
            "t3"."email",
            "t3"."phone",
            "t3"."company",
            "t3"."country",
            "t3"."segment",
            "t3"."source",
            "t3"."owner_id",
            "t3"."created_at",
            "t3"."acquired_at",
            "t3"."churned_at",
            "t3"."churn_reason",
            "t3"."search_text",
            "t3"."search_phone",
            CAST(1 AS DOUBLE) AS "_m_new"
          FROM "accounts" AS "t3"
        ) AS "t7"
        WHERE
          (
            (
              "t7"."acquired_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t7"."acquired_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t7"."acquired_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t7"."acquired_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t11"
      INNER JOIN "pulso_period_slots" AS "t6"
        ON CAST(FLOOR((
          EPOCH_US("t11"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t6"."_slot"
    ) AS "t13"
  ) AS "t15"
  GROUP BY
    1
) AS "t17"
  ON "t4"."_pid" = "t17"."_apid";
