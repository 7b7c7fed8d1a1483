-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- clv_to_cac_ratio · postgres · monthly, company scope, no split
SELECT
  "t4"."_pid",
  CAST((
    (
      CAST(COALESCE("t29"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."orders", 0.0), 0)
    ) * (
      CAST((
        CAST(COALESCE("t29"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."buyers", 0.0), 0)
      ) AS DOUBLE PRECISION) / "t4"."_years"
    ) * (
      CAST((
        COALESCE("t29"."at_start", 0.0) * "t4"."_years"
      ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."churned", 0.0), 0)
    )
  ) AS DOUBLE PRECISION) / NULLIF(
    CAST(COALESCE("t29"."spend", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."new", 0.0), 0),
    0
  ) AS "value",
  (
    CAST(COALESCE("t29"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."orders", 0.0), 0)
  ) * (
    CAST((
      CAST(COALESCE("t29"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."buyers", 0.0), 0)
    ) AS DOUBLE PRECISION) / "t4"."_years"
  ) * (
    CAST((
      COALESCE("t29"."at_start", 0.0) * "t4"."_years"
    ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."churned", 0.0), 0)
  ) AS "numerator",
  CAST(COALESCE("t29"."spend", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."new", 0.0), 0) AS "denominator",
  (
    CAST(COALESCE("t29"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."orders", 0.0), 0)
  ) * (
    CAST((
      CAST(COALESCE("t29"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."buyers", 0.0), 0)
    ) AS DOUBLE PRECISION) / "t4"."_years"
  ) * (
    CAST((
      COALESCE("t29"."at_start", 0.0) * "t4"."_years"
    ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."churned", 0.0), 0)
  ) AS "customer_lifetime_value",
  CAST(COALESCE("t29"."spend", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t29"."new", 0.0), 0) AS "customer_acquisition_cost"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t27"."_pid" AS "_apid",
    SUM("t27"."orders") AS "orders",
    SUM("t27"."amount") AS "amount",
    SUM("t27"."buyers") AS "buyers",
    SUM("t27"."repeat") AS "repeat",
    SUM("t27"."at_start") AS "at_start",
    SUM("t27"."churned") AS "churned",
    SUM("t27"."tenure_months") AS "tenure_months",
    SUM("t27"."spend") AS "spend",
    SUM("t27"."new") AS "new"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t5"."_pid",
          CAST(NULL AS DOUBLE PRECISION) AS "orders",
          CAST(NULL AS DOUBLE PRECISION) AS "amount",
          CAST(NULL AS DOUBLE PRECISION) AS "buyers",
          CAST(NULL AS DOUBLE PRECISION) AS "repeat",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start",
          "t18"."_m_churned" AS "churned",
          "t18"."_m_tenure_months" AS "tenure_months",
          CAST(NULL AS DOUBLE PRECISION) AS "spend",
          CAST(NULL AS DOUBLE PRECISION) AS "new"
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
            CAST(1 AS DOUBLE PRECISION) AS "_m_churned",
            CAST(COALESCE(
              CAST(EXTRACT('epoch' FROM "t1"."churned_at") - EXTRACT('epoch' FROM "t1"."acquired_at") AS DOUBLE PRECISION) / 86400.0,
              0.0
            ) AS DOUBLE PRECISION) / 30.4375 AS "_m_tenure_months"
          FROM "accounts" AS "t1"
        ) AS "t18"
        INNER JOIN "pulso_periods" AS "t5"
          ON "t18"."churned_at" >= "t5"."_p_start" AND "t18"."churned_at" < "t5"."_p_end"
      ) AS "t20"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t19"."_pid",
          CAST(NULL AS DOUBLE PRECISION) AS "orders",
          CAST(NULL AS DOUBLE PRECISION) AS "amount",
          CAST(NULL AS DOUBLE PRECISION) AS "buyers",
          CAST(NULL AS DOUBLE PRECISION) AS "repeat",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start",
          CAST(NULL AS DOUBLE PRECISION) AS "churned",
          CAST(NULL AS DOUBLE PRECISION) AS "tenure_months",
          COALESCE(CAST("t19"."amount" AS DOUBLE PRECISION), 0.0) * (
            CAST(LEAST(
              CAST(EXTRACT(epoch FROM CAST("t19"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) + 1,
              "t19"."_e_end"
            ) - GREATEST(
              CAST(EXTRACT(epoch FROM CAST("t19"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT),
              "t19"."_e_start"
            ) AS DOUBLE PRECISION) / CAST((
              CAST(EXTRACT(epoch FROM CAST("t19"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) - CAST(EXTRACT(epoch FROM CAST("t19"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT)
            ) + 1 AS DOUBLE PRECISION)
          ) AS "spend",
          CAST(NULL AS DOUBLE PRECISION) AS "new"
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
              "t2"."category" IN ('marketing', 'sales')
          ) AS "t12"
          INNER JOIN "pulso_periods" AS "t5"
            ON CAST(EXTRACT(epoch FROM CAST("t12"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) < "t5"."_e_end"
            AND CAST(EXTRACT(epoch FROM CAST("t12"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) >= "t5"."_e_start"
        ) AS "t19"
      ) AS "t22"
    ) AS "t23"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t5"."_pid",
          CAST(NULL AS DOUBLE PRECISION) AS "orders",
          CAST(NULL AS DOUBLE PRECISION) AS "amount",
          CAST(NULL AS DOUBLE PRECISION) AS "buyers",
          CAST(NULL AS DOUBLE PRECISION) AS "repeat",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start",
          CAST(NULL AS DOUBLE PRECISION) AS "churned",
          CAST(NULL AS DOUBLE PRECISION) AS "tenure_months",
          CAST(NULL AS DOUBLE PRECISION) AS "spend",
          "t8"."_m_new" AS "new"
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
        ) AS "t8"
        INNER JOIN "pulso_periods" AS "t5"
          ON "t8"."acquired_at" >= "t5"."_p_start" AND "t8"."acquired_at" < "t5"."_p_end"
      ) AS "t14"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t21"."_pid",
            CAST("t21"."_orders" AS DOUBLE PRECISION) AS "orders",
            "t21"."_amount" AS "amount",
            CAST(1 AS DOUBLE PRECISION) AS "buyers",
            CAST(CASE WHEN COALESCE("t21"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "repeat",
            CAST(NULL AS DOUBLE PRECISION) AS "at_start",
            CAST(NULL AS DOUBLE PRECISION) AS "churned",
            CAST(NULL AS DOUBLE PRECISION) AS "tenure_months",
            CAST(NULL AS DOUBLE PRECISION) AS "spend",
            CAST(NULL AS DOUBLE PRECISION) AS "new"
          FROM (
            SELECT
              "t17"."_pid",
              "t17"."account_id",
              COUNT("t17"."id") AS "_orders",
              SUM(COALESCE(CAST("t17"."amount" AS DOUBLE PRECISION), 0.0)) AS "_amount"
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
                FROM "orders" AS "t3"
                WHERE
                  "t3"."account_id" IS NOT NULL
              ) AS "t13"
              INNER JOIN "pulso_periods" AS "t5"
                ON "t13"."ordered_at" >= "t5"."_p_start" AND "t13"."ordered_at" < "t5"."_p_end"
            ) AS "t17"
            GROUP BY
              1,
              2
          ) AS "t21"
        ) AS "t24"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t5"."_pid",
            CAST(NULL AS DOUBLE PRECISION) AS "orders",
            CAST(NULL AS DOUBLE PRECISION) AS "amount",
            CAST(NULL AS DOUBLE PRECISION) AS "buyers",
            CAST(NULL AS DOUBLE PRECISION) AS "repeat",
            "t9"."_m_at_start" AS "at_start",
            CAST(NULL AS DOUBLE PRECISION) AS "churned",
            CAST(NULL AS DOUBLE PRECISION) AS "tenure_months",
            CAST(NULL AS DOUBLE PRECISION) AS "spend",
            CAST(NULL AS DOUBLE PRECISION) AS "new"
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
              CAST(1 AS DOUBLE PRECISION) AS "_m_at_start"
            FROM "accounts" AS "t1"
          ) AS "t9"
          INNER JOIN "pulso_periods" AS "t5"
            ON "t9"."acquired_at" < "t5"."_p_start"
            AND COALESCE("t9"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t5"."_p_start"
        ) AS "t16"
      ) AS "t25"
    ) AS "t26"
  ) AS "t27"
  GROUP BY
    1
) AS "t29"
  ON "t4"."_pid" = "t29"."_apid";
