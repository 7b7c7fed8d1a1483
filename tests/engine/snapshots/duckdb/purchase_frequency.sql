-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- purchase_frequency · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  (
    COALESCE("t12"."orders", 0.0) / NULLIF(COALESCE("t12"."buyers", 0.0), 0)
  ) / "t3"."_years" AS "value",
  COALESCE("t12"."orders", 0.0) AS "numerator",
  COALESCE("t12"."buyers", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t10"."_pid" AS "_apid",
    SUM("t10"."orders") AS "orders",
    SUM("t10"."amount") AS "amount",
    SUM("t10"."buyers") AS "buyers",
    SUM("t10"."repeat") AS "repeat"
  FROM (
    SELECT
      "t9"."_pid",
      CAST("t9"."_orders" AS DOUBLE) AS "orders",
      "t9"."_amount" AS "amount",
      CAST(1 AS DOUBLE) AS "buyers",
      CAST(CASE WHEN COALESCE("t9"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "repeat"
    FROM (
      SELECT
        "t8"."_pid",
        "t8"."account_id",
        COUNT("t8"."id") AS "_orders",
        SUM(COALESCE(CAST("t8"."amount" AS DOUBLE), 0.0)) AS "_amount"
      FROM (
        SELECT
          "t7"."id",
          "t7"."external_id",
          "t7"."account_id",
          "t7"."deal_id",
          "t7"."product",
          "t7"."amount",
          "t7"."currency",
          "t7"."ordered_at",
          "t4"."_pid",
          "t4"."_p_start",
          "t4"."_p_end",
          "t4"."_s_start",
          "t4"."_s_end",
          "t4"."_e_start",
          "t4"."_e_end",
          "t4"."_days",
          "t4"."_years",
          "t4"."_slot"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM "orders" AS "t2"
            WHERE
              "t2"."account_id" IS NOT NULL
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
        1,
        2
    ) AS "t9"
  ) AS "t10"
  GROUP BY
    1
) AS "t12"
  ON "t3"."_pid" = "t12"."_apid";

-- purchase_frequency · duckdb · monthly, company scope, by owner
WITH "t16" AS (
  SELECT
    "t15"."_pid" AS "_apid",
    "t15"."_d_owner" AS "_a_d_owner",
    SUM("t15"."orders") AS "orders",
    SUM("t15"."amount") AS "amount",
    SUM("t15"."buyers") AS "buyers",
    SUM("t15"."repeat") AS "repeat"
  FROM (
    SELECT
      "t14"."_pid",
      "t14"."_d_owner",
      CAST("t14"."_orders" AS DOUBLE) AS "orders",
      "t14"."_amount" AS "amount",
      CAST(1 AS DOUBLE) AS "buyers",
      CAST(CASE WHEN COALESCE("t14"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "repeat"
    FROM (
      SELECT
        "t13"."_pid",
        "t13"."account_id",
        FIRST("t13"."_d_owner" ORDER BY "t13"."ordered_at") AS "_d_owner",
        COUNT("t13"."id") AS "_orders",
        SUM(COALESCE(CAST("t13"."amount" AS DOUBLE), 0.0)) AS "_amount"
      FROM (
        SELECT
          "t12"."id",
          "t12"."external_id",
          "t12"."account_id",
          "t12"."deal_id",
          "t12"."product",
          "t12"."amount",
          "t12"."currency",
          "t12"."ordered_at",
          "t12"."_owner",
          "t12"."_d_owner",
          "t5"."_pid",
          "t5"."_p_start",
          "t5"."_p_end",
          "t5"."_s_start",
          "t5"."_s_end",
          "t5"."_e_start",
          "t5"."_e_end",
          "t5"."_days",
          "t5"."_years",
          "t5"."_slot"
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
              "t8"."_lk1_owner_id" AS "_owner",
              "t8"."_lk1_owner_id" AS "_d_owner"
            FROM (
              SELECT
                *
              FROM "orders" AS "t2"
              WHERE
                "t2"."account_id" IS NOT NULL
            ) AS "t9"
            LEFT OUTER JOIN (
              SELECT
                "t3"."id" AS "_lk1_key",
                "t3"."owner_id" AS "_lk1_owner_id"
              FROM "accounts" AS "t3"
            ) AS "t8"
              ON "t9"."account_id" = "t8"."_lk1_key"
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
    ) AS "t14"
  ) AS "t15"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t20"."_d_owner" AS "owner",
  (
    COALESCE("t18"."orders", 0.0) / NULLIF(COALESCE("t18"."buyers", 0.0), 0)
  ) / "t4"."_years" AS "value",
  COALESCE("t18"."orders", 0.0) AS "numerator",
  COALESCE("t18"."buyers", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t17"."_a_d_owner" AS "_d_owner"
  FROM "t16" AS "t17"
) AS "t20"
LEFT OUTER JOIN "t16" AS "t18"
  ON "t4"."_pid" = "t18"."_apid"
  AND "t20"."_d_owner" IS NOT DISTINCT FROM "t18"."_a_d_owner";
