-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- retention_cost_per_customer · postgres · monthly, company scope, no split
SELECT
  "t4"."_pid",
  CAST(COALESCE("t25"."spend", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t25"."retained", 0.0), 0) AS "value",
  COALESCE("t25"."spend", 0.0) AS "numerator",
  COALESCE("t25"."retained", 0.0) AS "denominator",
  CAST(COALESCE("t25"."revenue", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t25"."retained", 0.0), 0) AS "revenue_per_retained_customer"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t23"."_pid" AS "_apid",
    SUM("t23"."spend") AS "spend",
    SUM("t23"."retained") AS "retained",
    SUM("t23"."revenue") AS "revenue"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t19"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "spend",
        CAST(NULL AS DOUBLE PRECISION) AS "retained",
        "t19"."_m_revenue" AS "revenue"
      FROM (
        SELECT
          "t18"."id",
          "t18"."external_id",
          "t18"."account_id",
          "t18"."deal_id",
          "t18"."product",
          "t18"."amount",
          "t18"."currency",
          "t18"."ordered_at",
          "t18"."_acquired",
          "t18"."_churned",
          "t18"."_m_revenue",
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
            "t14"."id",
            "t14"."external_id",
            "t14"."account_id",
            "t14"."deal_id",
            "t14"."product",
            "t14"."amount",
            "t14"."currency",
            "t14"."ordered_at",
            "t14"."_acquired",
            "t14"."_churned",
            COALESCE(CAST("t14"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_revenue"
          FROM (
            SELECT
              "t13"."id",
              "t13"."external_id",
              "t13"."account_id",
              "t13"."deal_id",
              "t13"."product",
              "t13"."amount",
              "t13"."currency",
              "t13"."ordered_at",
              "t13"."_acquired",
              "t13"."_churned"
            FROM (
              SELECT
                "t6"."id",
                "t6"."external_id",
                "t6"."account_id",
                "t6"."deal_id",
                "t6"."product",
                "t6"."amount",
                "t6"."currency",
                "t6"."ordered_at",
                "t9"."_aid",
                "t9"."_acquired",
                "t9"."_churned"
              FROM "orders" AS "t6"
              INNER JOIN (
                SELECT
                  "t1"."id" AS "_aid",
                  "t1"."acquired_at" AS "_acquired",
                  "t1"."churned_at" AS "_churned"
                FROM "accounts" AS "t1"
              ) AS "t9"
                ON "t6"."account_id" = "t9"."_aid"
            ) AS "t13"
          ) AS "t14"
        ) AS "t18"
        INNER JOIN "pulso_periods" AS "t5"
          ON "t18"."ordered_at" >= "t5"."_p_start" AND "t18"."ordered_at" < "t5"."_p_end"
      ) AS "t19"
      WHERE
        "t19"."_acquired" < "t19"."_p_start"
        AND (
          (
            "t19"."_churned" IS NULL
          ) OR (
            "t19"."_churned" >= "t19"."_p_end"
          )
        )
    ) AS "t22"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t16"."_pid",
          COALESCE(CAST("t16"."amount" AS DOUBLE PRECISION), 0.0) * (
            CAST(LEAST(
              CAST(EXTRACT(epoch FROM CAST("t16"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) + 1,
              "t16"."_e_end"
            ) - GREATEST(
              CAST(EXTRACT(epoch FROM CAST("t16"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT),
              "t16"."_e_start"
            ) AS DOUBLE PRECISION) / CAST((
              CAST(EXTRACT(epoch FROM CAST("t16"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) - CAST(EXTRACT(epoch FROM CAST("t16"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT)
            ) + 1 AS DOUBLE PRECISION)
          ) AS "spend",
          CAST(NULL AS DOUBLE PRECISION) AS "retained",
          CAST(NULL AS DOUBLE PRECISION) AS "revenue"
        FROM (
          SELECT
            "t12"."id",
            "t12"."external_id",
            "t12"."category",
            "t12"."channel",
            "t12"."campaign_id",
            "t12"."period_start",
            "t12"."period_end",
            "t12"."amount",
            "t12"."currency",
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
              "t2"."category" = 'retention'
          ) AS "t12"
          INNER JOIN "pulso_periods" AS "t5"
            ON CAST(EXTRACT(epoch FROM CAST("t12"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) < "t5"."_e_end"
            AND CAST(EXTRACT(epoch FROM CAST("t12"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) >= "t5"."_e_start"
        ) AS "t16"
      ) AS "t20"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t5"."_pid",
          CAST(NULL AS DOUBLE PRECISION) AS "spend",
          "t11"."_m_retained" AS "retained",
          CAST(NULL AS DOUBLE PRECISION) AS "revenue"
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
            CAST(1 AS DOUBLE PRECISION) AS "_m_retained"
          FROM "accounts" AS "t1"
        ) AS "t11"
        INNER JOIN "pulso_periods" AS "t5"
          ON "t11"."acquired_at" < "t5"."_p_start"
          AND COALESCE("t11"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t5"."_p_end"
      ) AS "t15"
    ) AS "t21"
  ) AS "t23"
  GROUP BY
    1
) AS "t25"
  ON "t4"."_pid" = "t25"."_apid";
