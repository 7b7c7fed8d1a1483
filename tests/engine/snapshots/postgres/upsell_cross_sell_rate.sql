-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- upsell_cross_sell_rate · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t15"."upsold", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t15"."customers", 0.0), 0) AS "value",
  COALESCE("t15"."upsold", 0.0) AS "numerator",
  COALESCE("t15"."customers", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t13"."_pid" AS "_apid",
    SUM("t13"."upsold") AS "upsold",
    SUM("t13"."customers") AS "customers"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t11"."_pid",
        CAST(1 AS DOUBLE PRECISION) AS "upsold",
        CAST(NULL AS DOUBLE PRECISION) AS "customers"
      FROM (
        SELECT
          "t10"."_pid",
          "t10"."account_id"
        FROM (
          SELECT
            "t8"."id",
            "t8"."external_id",
            "t8"."account_id",
            "t8"."lead_id",
            "t8"."owner_id",
            "t8"."title",
            "t8"."amount",
            "t8"."currency",
            "t8"."stage_id",
            "t8"."status",
            "t8"."kind",
            "t8"."created_at",
            "t8"."expected_close_at",
            "t8"."closed_at",
            "t8"."lost_reason",
            "t8"."campaign_id",
            "t8"."search_text",
            "t8"."product",
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
            FROM "deals" AS "t2"
            WHERE
              "t2"."status" = 'won'
              AND "t2"."kind" IN ('upsell', 'cross_sell')
              AND "t2"."account_id" IS NOT NULL
          ) AS "t8"
          INNER JOIN "pulso_periods" AS "t4"
            ON "t8"."closed_at" >= "t4"."_p_start" AND "t8"."closed_at" < "t4"."_p_end"
        ) AS "t10"
        GROUP BY
          1,
          2
      ) AS "t11"
    ) AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "upsold",
        "t6"."_m_customers" AS "customers"
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
          CAST(1 AS DOUBLE PRECISION) AS "_m_customers"
        FROM "accounts" AS "t1"
      ) AS "t6"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t6"."acquired_at" < "t4"."_p_start"
        AND COALESCE("t6"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t4"."_p_start"
    ) AS "t9"
  ) AS "t13"
  GROUP BY
    1
) AS "t15"
  ON "t3"."_pid" = "t15"."_apid";

-- upsell_cross_sell_rate · postgres · monthly, company scope, by owner
WITH "t17" AS (
  SELECT
    "t16"."_pid" AS "_apid",
    "t16"."_d_owner" AS "_a_d_owner",
    SUM("t16"."upsold") AS "upsold",
    SUM("t16"."customers") AS "customers"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t14"."_pid",
        "t14"."_d_owner",
        CAST(1 AS DOUBLE PRECISION) AS "upsold",
        CAST(NULL AS DOUBLE PRECISION) AS "customers"
      FROM (
        SELECT
          "t13"."_pid",
          "t13"."account_id",
          (
            ARRAY_AGG("t13"."_d_owner" ORDER BY "t13"."closed_at" ASC) FILTER(WHERE
              "t13"."closed_at" IS NOT NULL)
          )[1] AS "_d_owner"
        FROM (
          SELECT
            "t11"."id",
            "t11"."external_id",
            "t11"."account_id",
            "t11"."lead_id",
            "t11"."owner_id",
            "t11"."title",
            "t11"."amount",
            "t11"."currency",
            "t11"."stage_id",
            "t11"."status",
            "t11"."kind",
            "t11"."created_at",
            "t11"."expected_close_at",
            "t11"."closed_at",
            "t11"."lost_reason",
            "t11"."campaign_id",
            "t11"."search_text",
            "t11"."product",
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
            FROM "deals" AS "t2"
            WHERE
              "t2"."status" = 'won'
              AND "t2"."kind" IN ('upsell', 'cross_sell')
              AND "t2"."account_id" IS NOT NULL
          ) AS "t11"
          LEFT OUTER JOIN (
            SELECT
              "t1"."id" AS "_lk1_key",
              "t1"."owner_id" AS "_lk1_owner_id"
            FROM "accounts" AS "t1"
          ) AS "t8"
            ON "t11"."account_id" = "t8"."_lk1_key"
          INNER JOIN "pulso_periods" AS "t5"
            ON "t11"."closed_at" >= "t5"."_p_start" AND "t11"."closed_at" < "t5"."_p_end"
        ) AS "t13"
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
        "t9"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "upsold",
        "t9"."_m_customers" AS "customers"
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
          CAST(1 AS DOUBLE PRECISION) AS "_m_customers"
        FROM "accounts" AS "t1"
      ) AS "t9"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t9"."acquired_at" < "t4"."_p_start"
        AND COALESCE("t9"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t4"."_p_start"
    ) AS "t12"
  ) AS "t16"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t21"."_d_owner" AS "owner",
  CAST(COALESCE("t19"."upsold", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t19"."customers", 0.0), 0) AS "value",
  COALESCE("t19"."upsold", 0.0) AS "numerator",
  COALESCE("t19"."customers", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t18"."_a_d_owner" AS "_d_owner"
  FROM "t17" AS "t18"
) AS "t21"
LEFT OUTER JOIN "t17" AS "t19"
  ON "t3"."_pid" = "t19"."_apid"
  AND "t21"."_d_owner" IS NOT DISTINCT FROM "t19"."_a_d_owner";
