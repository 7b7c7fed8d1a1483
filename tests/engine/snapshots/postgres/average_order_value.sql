-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- average_order_value · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t8"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."orders", 0.0), 0) AS "value",
  COALESCE("t8"."amount", 0.0) AS "numerator",
  COALESCE("t8"."orders", 0.0) AS "denominator",
  "t8"."amount_v" AS "median"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."amount") AS "amount",
    SUM("t6"."orders") AS "orders",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t6"."amount_v") AS "amount_v"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_amount" AS "amount",
      "t5"."_m_orders" AS "orders",
      "t5"."_m_amount_v" AS "amount_v"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."account_id",
        "t1"."deal_id",
        "t1"."product",
        "t1"."amount",
        "t1"."currency",
        "t1"."ordered_at",
        COALESCE(CAST("t1"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_amount",
        CAST(1 AS DOUBLE PRECISION) AS "_m_orders",
        COALESCE(CAST("t1"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_amount_v"
      FROM "orders" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."ordered_at" >= "t3"."_p_start" AND "t5"."ordered_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- average_order_value · postgres · monthly, company scope, by owner
WITH "t12" AS (
  SELECT
    "t11"."_pid" AS "_apid",
    "t11"."_d_owner" AS "_a_d_owner",
    SUM("t11"."amount") AS "amount",
    SUM("t11"."orders") AS "orders",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t11"."amount_v") AS "amount_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t10"."_d_owner",
      "t10"."_m_amount" AS "amount",
      "t10"."_m_orders" AS "orders",
      "t10"."_m_amount_v" AS "amount_v"
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
        "t8"."_owner",
        "t8"."_d_owner",
        COALESCE(CAST("t8"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_amount",
        CAST(1 AS DOUBLE PRECISION) AS "_m_orders",
        COALESCE(CAST("t8"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_amount_v"
      FROM (
        SELECT
          "t5"."id",
          "t5"."external_id",
          "t5"."account_id",
          "t5"."deal_id",
          "t5"."product",
          "t5"."amount",
          "t5"."currency",
          "t5"."ordered_at",
          "t7"."_lk1_owner_id" AS "_owner",
          "t7"."_lk1_owner_id" AS "_d_owner"
        FROM "orders" AS "t5"
        LEFT OUTER JOIN (
          SELECT
            "t2"."id" AS "_lk1_key",
            "t2"."owner_id" AS "_lk1_owner_id"
          FROM "accounts" AS "t2"
        ) AS "t7"
          ON "t5"."account_id" = "t7"."_lk1_key"
      ) AS "t8"
    ) AS "t10"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t10"."ordered_at" >= "t4"."_p_start" AND "t10"."ordered_at" < "t4"."_p_end"
  ) AS "t11"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t16"."_d_owner" AS "owner",
  CAST(COALESCE("t14"."amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t14"."orders", 0.0), 0) AS "value",
  COALESCE("t14"."amount", 0.0) AS "numerator",
  COALESCE("t14"."orders", 0.0) AS "denominator",
  "t14"."amount_v" AS "median"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t13"."_a_d_owner" AS "_d_owner"
  FROM "t12" AS "t13"
) AS "t16"
LEFT OUTER JOIN "t12" AS "t14"
  ON "t3"."_pid" = "t14"."_apid"
  AND "t16"."_d_owner" IS NOT DISTINCT FROM "t14"."_a_d_owner";
