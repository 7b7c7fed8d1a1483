-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- customer_acquisition_cost · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t14"."spend", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t14"."new", 0.0), 0) AS "value",
  COALESCE("t14"."spend", 0.0) AS "numerator",
  COALESCE("t14"."new", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t12"."_pid" AS "_apid",
    SUM("t12"."spend") AS "spend",
    SUM("t12"."new") AS "new"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t10"."_pid",
        COALESCE(CAST("t10"."amount" AS DOUBLE PRECISION), 0.0) * (
          CAST(LEAST(
            CAST(EXTRACT(epoch FROM CAST("t10"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) + 1,
            "t10"."_e_end"
          ) - GREATEST(
            CAST(EXTRACT(epoch FROM CAST("t10"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT),
            "t10"."_e_start"
          ) AS DOUBLE PRECISION) / CAST((
            CAST(EXTRACT(epoch FROM CAST("t10"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) - CAST(EXTRACT(epoch FROM CAST("t10"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT)
          ) + 1 AS DOUBLE PRECISION)
        ) AS "spend",
        CAST(NULL AS DOUBLE PRECISION) AS "new"
      FROM (
        SELECT
          "t8"."id",
          "t8"."external_id",
          "t8"."category",
          "t8"."channel",
          "t8"."campaign_id",
          "t8"."period_start",
          "t8"."period_end",
          "t8"."amount",
          "t8"."currency",
          "t4"."_pid",
          "t4"."_p_start",
          "t4"."_p_end",
          "t4"."_s_start",
          "t4"."_s_end",
          "t4"."_e_start",
          "t4"."_e_end",
          "t4"."_days",
          "t4"."_years"
        FROM (
          SELECT
            *
          FROM "spend" AS "t2"
          WHERE
            "t2"."category" IN ('marketing', 'sales')
        ) AS "t8"
        INNER JOIN "pulso_periods" AS "t4"
          ON CAST(EXTRACT(epoch FROM CAST("t8"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) < "t4"."_e_end"
          AND CAST(EXTRACT(epoch FROM CAST("t8"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) >= "t4"."_e_start"
      ) AS "t10"
    ) AS "t11"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "spend",
        "t7"."_m_new" AS "new"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."name",
          "t1"."email",
          "t1"."phone",
          "t1"."company",
          "t1"."country",
          "t1"."segment",
          "t1"."source",
          "t1"."owner_id",
          "t1"."created_at",
          "t1"."acquired_at",
          "t1"."churned_at",
          "t1"."churn_reason",
          "t1"."search_text",
          "t1"."search_phone",
          CAST(1 AS DOUBLE PRECISION) AS "_m_new"
        FROM "accounts" AS "t1"
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t7"."acquired_at" >= "t4"."_p_start" AND "t7"."acquired_at" < "t4"."_p_end"
    ) AS "t9"
  ) AS "t12"
  GROUP BY
    1
) AS "t14"
  ON "t3"."_pid" = "t14"."_apid";
