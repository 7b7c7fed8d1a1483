-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- customer_lifetime_value · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  (
    CAST(COALESCE("t19"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."orders", 0.0), 0)
  ) * (
    CAST((
      CAST(COALESCE("t19"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."buyers", 0.0), 0)
    ) AS DOUBLE PRECISION) / "t3"."_years"
  ) * (
    CAST((
      COALESCE("t19"."at_start", 0.0) * "t3"."_years"
    ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."churned", 0.0), 0)
  ) AS "value",
  (
    CAST(COALESCE("t19"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."orders", 0.0), 0)
  ) * (
    CAST((
      CAST(COALESCE("t19"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."buyers", 0.0), 0)
    ) AS DOUBLE PRECISION) / "t3"."_years"
  ) * (
    CAST((
      COALESCE("t19"."at_start", 0.0) * "t3"."_years"
    ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."churned", 0.0), 0)
  ) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator",
  CAST(COALESCE("t19"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."orders", 0.0), 0) AS "average_order_value",
  CAST((
    CAST(COALESCE("t19"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."buyers", 0.0), 0)
  ) AS DOUBLE PRECISION) / "t3"."_years" AS "purchase_frequency",
  CAST((
    COALESCE("t19"."at_start", 0.0) * "t3"."_years"
  ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."churned", 0.0), 0) AS "customer_lifetime_years"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t17"."_pid" AS "_apid",
    SUM("t17"."orders") AS "orders",
    SUM("t17"."amount") AS "amount",
    SUM("t17"."buyers") AS "buyers",
    SUM("t17"."repeat") AS "repeat",
    SUM("t17"."at_start") AS "at_start",
    SUM("t17"."churned") AS "churned",
    SUM("t17"."tenure_months") AS "tenure_months"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "orders",
        CAST(NULL AS DOUBLE PRECISION) AS "amount",
        CAST(NULL AS DOUBLE PRECISION) AS "buyers",
        CAST(NULL AS DOUBLE PRECISION) AS "repeat",
        CAST(NULL AS DOUBLE PRECISION) AS "at_start",
        "t12"."_m_churned" AS "churned",
        "t12"."_m_tenure_months" AS "tenure_months"
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
      ) AS "t12"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t12"."churned_at" >= "t4"."_p_start" AND "t12"."churned_at" < "t4"."_p_end"
    ) AS "t13"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t14"."_pid",
          CAST("t14"."_orders" AS DOUBLE PRECISION) AS "orders",
          "t14"."_amount" AS "amount",
          CAST(1 AS DOUBLE PRECISION) AS "buyers",
          CAST(CASE WHEN COALESCE("t14"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "repeat",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start",
          CAST(NULL AS DOUBLE PRECISION) AS "churned",
          CAST(NULL AS DOUBLE PRECISION) AS "tenure_months"
        FROM (
          SELECT
            "t11"."_pid",
            "t11"."account_id",
            COUNT("t11"."id") AS "_orders",
            SUM(COALESCE(CAST("t11"."amount" AS DOUBLE PRECISION), 0.0)) AS "_amount"
          FROM (
            SELECT
              "t8"."id",
              "t8"."external_id",
              "t8"."account_id",
              "t8"."deal_id",
              "t8"."product",
              "t8"."amount",
              "t8"."currency",
              "t8"."ordered_at",
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
              FROM "orders" AS "t2"
              WHERE
                "t2"."account_id" IS NOT NULL
            ) AS "t8"
            INNER JOIN "pulso_periods" AS "t4"
              ON "t8"."ordered_at" >= "t4"."_p_start" AND "t8"."ordered_at" < "t4"."_p_end"
          ) AS "t11"
          GROUP BY
            1,
            2
        ) AS "t14"
      ) AS "t15"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t4"."_pid",
          CAST(NULL AS DOUBLE PRECISION) AS "orders",
          CAST(NULL AS DOUBLE PRECISION) AS "amount",
          CAST(NULL AS DOUBLE PRECISION) AS "buyers",
          CAST(NULL AS DOUBLE PRECISION) AS "repeat",
          "t6"."_m_at_start" AS "at_start",
          CAST(NULL AS DOUBLE PRECISION) AS "churned",
          CAST(NULL AS DOUBLE PRECISION) AS "tenure_months"
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
        ) AS "t6"
        INNER JOIN "pulso_periods" AS "t4"
          ON "t6"."acquired_at" < "t4"."_p_start"
          AND COALESCE("t6"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t4"."_p_start"
      ) AS "t10"
    ) AS "t16"
  ) AS "t17"
  GROUP BY
    1
) AS "t19"
  ON "t3"."_pid" = "t19"."_apid";

-- customer_lifetime_value · postgres · monthly, company scope, by owner
WITH "t21" AS (
  SELECT
    "t20"."_pid" AS "_apid",
    "t20"."_d_owner" AS "_a_d_owner",
    SUM("t20"."orders") AS "orders",
    SUM("t20"."amount") AS "amount",
    SUM("t20"."buyers") AS "buyers",
    SUM("t20"."repeat") AS "repeat",
    SUM("t20"."at_start") AS "at_start",
    SUM("t20"."churned") AS "churned",
    SUM("t20"."tenure_months") AS "tenure_months"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t15"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "orders",
        CAST(NULL AS DOUBLE PRECISION) AS "amount",
        CAST(NULL AS DOUBLE PRECISION) AS "buyers",
        CAST(NULL AS DOUBLE PRECISION) AS "repeat",
        CAST(NULL AS DOUBLE PRECISION) AS "at_start",
        "t15"."_m_churned" AS "churned",
        "t15"."_m_tenure_months" AS "tenure_months"
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
          "t1"."owner_id" AS "_owner",
          "t1"."owner_id" AS "_d_owner",
          CAST(1 AS DOUBLE PRECISION) AS "_m_churned",
          CAST(COALESCE(
            CAST(EXTRACT('epoch' FROM "t1"."churned_at") - EXTRACT('epoch' FROM "t1"."acquired_at") AS DOUBLE PRECISION) / 86400.0,
            0.0
          ) AS DOUBLE PRECISION) / 30.4375 AS "_m_tenure_months"
        FROM "accounts" AS "t1"
      ) AS "t15"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t15"."churned_at" >= "t4"."_p_start" AND "t15"."churned_at" < "t4"."_p_end"
    ) AS "t16"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t17"."_pid",
          "t17"."_d_owner",
          CAST("t17"."_orders" AS DOUBLE PRECISION) AS "orders",
          "t17"."_amount" AS "amount",
          CAST(1 AS DOUBLE PRECISION) AS "buyers",
          CAST(CASE WHEN COALESCE("t17"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "repeat",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start",
          CAST(NULL AS DOUBLE PRECISION) AS "churned",
          CAST(NULL AS DOUBLE PRECISION) AS "tenure_months"
        FROM (
          SELECT
            "t14"."_pid",
            "t14"."account_id",
            (
              ARRAY_AGG("t14"."_d_owner" ORDER BY "t14"."ordered_at" ASC) FILTER(WHERE
                "t14"."ordered_at" IS NOT NULL)
            )[1] AS "_d_owner",
            COUNT("t14"."id") AS "_orders",
            SUM(COALESCE(CAST("t14"."amount" AS DOUBLE PRECISION), 0.0)) AS "_amount"
          FROM (
            SELECT
              "t11"."id",
              "t11"."external_id",
              "t11"."account_id",
              "t11"."deal_id",
              "t11"."product",
              "t11"."amount",
              "t11"."currency",
              "t11"."ordered_at",
              "t8"."_lk1_owner_id" AS "_owner",
              "t8"."_lk1_owner_id" AS "_d_owner",
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
              FROM "orders" AS "t2"
              WHERE
                "t2"."account_id" IS NOT NULL
            ) AS "t11"
            LEFT OUTER JOIN (
              SELECT
                "t1"."id" AS "_lk1_key",
                "t1"."owner_id" AS "_lk1_owner_id"
              FROM "accounts" AS "t1"
            ) AS "t8"
              ON "t11"."account_id" = "t8"."_lk1_key"
            INNER JOIN "pulso_periods" AS "t5"
              ON "t11"."ordered_at" >= "t5"."_p_start" AND "t11"."ordered_at" < "t5"."_p_end"
          ) AS "t14"
          GROUP BY
            1,
            2
        ) AS "t17"
      ) AS "t18"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t4"."_pid",
          "t9"."_d_owner",
          CAST(NULL AS DOUBLE PRECISION) AS "orders",
          CAST(NULL AS DOUBLE PRECISION) AS "amount",
          CAST(NULL AS DOUBLE PRECISION) AS "buyers",
          CAST(NULL AS DOUBLE PRECISION) AS "repeat",
          "t9"."_m_at_start" AS "at_start",
          CAST(NULL AS DOUBLE PRECISION) AS "churned",
          CAST(NULL AS DOUBLE PRECISION) AS "tenure_months"
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
            "t1"."owner_id" AS "_owner",
            "t1"."owner_id" AS "_d_owner",
            CAST(1 AS DOUBLE PRECISION) AS "_m_at_start"
          FROM "accounts" AS "t1"
        ) AS "t9"
        INNER JOIN "pulso_periods" AS "t4"
          ON "t9"."acquired_at" < "t4"."_p_start"
          AND COALESCE("t9"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t4"."_p_start"
      ) AS "t13"
    ) AS "t19"
  ) AS "t20"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t25"."_d_owner" AS "owner",
  (
    CAST(COALESCE("t23"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."orders", 0.0), 0)
  ) * (
    CAST((
      CAST(COALESCE("t23"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."buyers", 0.0), 0)
    ) AS DOUBLE PRECISION) / "t3"."_years"
  ) * (
    CAST((
      COALESCE("t23"."at_start", 0.0) * "t3"."_years"
    ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."churned", 0.0), 0)
  ) AS "value",
  (
    CAST(COALESCE("t23"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."orders", 0.0), 0)
  ) * (
    CAST((
      CAST(COALESCE("t23"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."buyers", 0.0), 0)
    ) AS DOUBLE PRECISION) / "t3"."_years"
  ) * (
    CAST((
      COALESCE("t23"."at_start", 0.0) * "t3"."_years"
    ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."churned", 0.0), 0)
  ) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator",
  CAST(COALESCE("t23"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."orders", 0.0), 0) AS "average_order_value",
  CAST((
    CAST(COALESCE("t23"."orders", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."buyers", 0.0), 0)
  ) AS DOUBLE PRECISION) / "t3"."_years" AS "purchase_frequency",
  CAST((
    COALESCE("t23"."at_start", 0.0) * "t3"."_years"
  ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t23"."churned", 0.0), 0) AS "customer_lifetime_years"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t22"."_a_d_owner" AS "_d_owner"
  FROM "t21" AS "t22"
) AS "t25"
LEFT OUTER JOIN "t21" AS "t23"
  ON "t3"."_pid" = "t23"."_apid"
  AND "t25"."_d_owner" IS NOT DISTINCT FROM "t23"."_a_d_owner";
