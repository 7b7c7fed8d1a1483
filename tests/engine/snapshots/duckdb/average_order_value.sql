-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- average_order_value · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."amount", 0.0) / NULLIF(COALESCE("t10"."orders", 0.0), 0) AS "value",
  COALESCE("t10"."amount", 0.0) AS "numerator",
  COALESCE("t10"."orders", 0.0) AS "denominator",
  "t10"."amount_v" AS "median"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."amount") AS "amount",
    SUM("t8"."orders") AS "orders",
    QUANTILE_CONT("t8"."amount_v", 0.5) AS "amount_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_m_amount" AS "amount",
      "t7"."_m_orders" AS "orders",
      "t7"."_m_amount_v" AS "amount_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t2"."id",
          "t2"."external_id",
          "t2"."account_id",
          "t2"."deal_id",
          "t2"."product",
          "t2"."amount",
          "t2"."currency",
          "t2"."ordered_at",
          COALESCE(CAST("t2"."amount" AS DOUBLE), 0.0) AS "_m_amount",
          CAST(1 AS DOUBLE) AS "_m_orders",
          COALESCE(CAST("t2"."amount" AS DOUBLE), 0.0) AS "_m_amount_v"
        FROM "orders" AS "t2"
      ) AS "t5"
      WHERE
        (
          (
            "t5"."ordered_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."ordered_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."ordered_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."ordered_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."ordered_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t3"."_pid" = "t10"."_apid";

-- average_order_value · duckdb · monthly, company scope, by owner
WITH "t14" AS (
  SELECT
    "t13"."_pid" AS "_apid",
    "t13"."_d_owner" AS "_a_d_owner",
    SUM("t13"."amount") AS "amount",
    SUM("t13"."orders") AS "orders",
    QUANTILE_CONT("t13"."amount_v", 0.5) AS "amount_v"
  FROM (
    SELECT
      "t5"."_pid",
      "t12"."_d_owner",
      "t12"."_m_amount" AS "amount",
      "t12"."_m_orders" AS "orders",
      "t12"."_m_amount_v" AS "amount_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t9"."id",
          "t9"."external_id",
          "t9"."account_id",
          "t9"."deal_id",
          "t9"."product",
          "t9"."amount",
          "t9"."currency",
          "t9"."ordered_at",
          "t9"."_owner",
          "t9"."_d_owner",
          COALESCE(CAST("t9"."amount" AS DOUBLE), 0.0) AS "_m_amount",
          CAST(1 AS DOUBLE) AS "_m_orders",
          COALESCE(CAST("t9"."amount" AS DOUBLE), 0.0) AS "_m_amount_v"
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
            "t8"."_lk1_owner_id" AS "_owner",
            "t8"."_lk1_owner_id" AS "_d_owner"
          FROM "orders" AS "t6"
          LEFT OUTER JOIN (
            SELECT
              "t3"."id" AS "_lk1_key",
              "t3"."owner_id" AS "_lk1_owner_id"
            FROM "accounts" AS "t3"
          ) AS "t8"
            ON "t6"."account_id" = "t8"."_lk1_key"
        ) AS "t9"
      ) AS "t10"
      WHERE
        (
          (
            "t10"."ordered_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t10"."ordered_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t10"."ordered_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t10"."ordered_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t12"
    INNER JOIN "pulso_period_slots" AS "t5"
      ON CAST(FLOOR((
        EPOCH_US("t12"."ordered_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t5"."_slot"
  ) AS "t13"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t18"."_d_owner" AS "owner",
  COALESCE("t16"."amount", 0.0) / NULLIF(COALESCE("t16"."orders", 0.0), 0) AS "value",
  COALESCE("t16"."amount", 0.0) AS "numerator",
  COALESCE("t16"."orders", 0.0) AS "denominator",
  "t16"."amount_v" AS "median"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t15"."_a_d_owner" AS "_d_owner"
  FROM "t14" AS "t15"
) AS "t18"
LEFT OUTER JOIN "t14" AS "t16"
  ON "t4"."_pid" = "t16"."_apid"
  AND "t18"."_d_owner" IS NOT DISTINCT FROM "t16"."_a_d_owner";
