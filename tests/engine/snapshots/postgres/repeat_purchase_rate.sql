-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- repeat_purchase_rate · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t10"."repeat", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t10"."buyers", 0.0), 0) AS "value",
  COALESCE("t10"."repeat", 0.0) AS "numerator",
  COALESCE("t10"."buyers", 0.0) AS "denominator"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."orders") AS "orders",
    SUM("t8"."amount") AS "amount",
    SUM("t8"."buyers") AS "buyers",
    SUM("t8"."repeat") AS "repeat"
  FROM (
    SELECT
      "t7"."_pid",
      CAST("t7"."_orders" AS DOUBLE PRECISION) AS "orders",
      "t7"."_amount" AS "amount",
      CAST(1 AS DOUBLE PRECISION) AS "buyers",
      CAST(CASE WHEN COALESCE("t7"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "repeat"
    FROM (
      SELECT
        "t6"."_pid",
        "t6"."account_id",
        COUNT("t6"."id") AS "_orders",
        SUM(COALESCE(CAST("t6"."amount" AS DOUBLE PRECISION), 0.0)) AS "_amount"
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
          "t3"."_pid",
          "t3"."_p_start",
          "t3"."_p_end",
          "t3"."_s_start",
          "t3"."_s_end",
          "t3"."_e_start",
          "t3"."_e_end",
          "t3"."_days",
          "t3"."_years"
        FROM (
          SELECT
            *
          FROM "orders" AS "t1"
          WHERE
            "t1"."account_id" IS NOT NULL
        ) AS "t5"
        INNER JOIN "pulso_periods" AS "t3"
          ON "t5"."ordered_at" >= "t3"."_p_start" AND "t5"."ordered_at" < "t3"."_p_end"
      ) AS "t6"
      GROUP BY
        1,
        2
    ) AS "t7"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t2"."_pid" = "t10"."_apid";

-- repeat_purchase_rate · postgres · monthly, company scope, by owner
WITH "t12" AS (
  SELECT
    "t11"."_pid" AS "_apid",
    "t11"."_d_owner" AS "_a_d_owner",
    SUM("t11"."orders") AS "orders",
    SUM("t11"."amount") AS "amount",
    SUM("t11"."buyers") AS "buyers",
    SUM("t11"."repeat") AS "repeat"
  FROM (
    SELECT
      "t10"."_pid",
      "t10"."_d_owner",
      CAST("t10"."_orders" AS DOUBLE PRECISION) AS "orders",
      "t10"."_amount" AS "amount",
      CAST(1 AS DOUBLE PRECISION) AS "buyers",
      CAST(CASE WHEN COALESCE("t10"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "repeat"
    FROM (
      SELECT
        "t9"."_pid",
        "t9"."account_id",
        (
          ARRAY_AGG("t9"."_d_owner" ORDER BY "t9"."ordered_at" ASC) FILTER(WHERE
            "t9"."ordered_at" IS NOT NULL)
        )[1] AS "_d_owner",
        COUNT("t9"."id") AS "_orders",
        SUM(COALESCE(CAST("t9"."amount" AS DOUBLE PRECISION), 0.0)) AS "_amount"
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
          "t7"."_lk1_owner_id" AS "_owner",
          "t7"."_lk1_owner_id" AS "_d_owner",
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
          FROM "orders" AS "t1"
          WHERE
            "t1"."account_id" IS NOT NULL
        ) AS "t8"
        LEFT OUTER JOIN (
          SELECT
            "t2"."id" AS "_lk1_key",
            "t2"."owner_id" AS "_lk1_owner_id"
          FROM "accounts" AS "t2"
        ) AS "t7"
          ON "t8"."account_id" = "t7"."_lk1_key"
        INNER JOIN "pulso_periods" AS "t4"
          ON "t8"."ordered_at" >= "t4"."_p_start" AND "t8"."ordered_at" < "t4"."_p_end"
      ) AS "t9"
      GROUP BY
        1,
        2
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t16"."_d_owner" AS "owner",
  CAST(COALESCE("t14"."repeat", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t14"."buyers", 0.0), 0) AS "value",
  COALESCE("t14"."repeat", 0.0) AS "numerator",
  COALESCE("t14"."buyers", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t13"."_a_d_owner" AS "_d_owner"
  FROM "t12" AS "t13"
) AS "t16"
LEFT OUTER JOIN "t12" AS "t14"
  ON "t3"."_pid" = "t14"."_apid"
  AND "t16"."_d_owner" IS NOT DISTINCT FROM "t14"."_a_d_owner";
