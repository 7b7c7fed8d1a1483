-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- sales_velocity · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST((
    COALESCE("t12"."open", 0.0) * (
      CAST(COALESCE("t12"."won", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."closed", 0.0), 0)
    ) * (
      CAST(COALESCE("t12"."won_amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."won_valued", 0.0), 0)
    )
  ) AS DOUBLE PRECISION) / NULLIF(
    CAST(COALESCE("t12"."cycle_days", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."won", 0.0), 0),
    0
  ) AS "value",
  COALESCE("t12"."open", 0.0) * (
    CAST(COALESCE("t12"."won", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."closed", 0.0), 0)
  ) * (
    CAST(COALESCE("t12"."won_amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."won_valued", 0.0), 0)
  ) AS "numerator",
  CAST(COALESCE("t12"."cycle_days", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."won", 0.0), 0) AS "denominator",
  COALESCE("t12"."open", 0.0) AS "open_opportunities",
  CAST(COALESCE("t12"."won", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."closed", 0.0), 0) AS "close_rate",
  CAST(COALESCE("t12"."won_amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."won_valued", 0.0), 0) AS "average_deal_value",
  CAST(COALESCE("t12"."cycle_days", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."won", 0.0), 0) AS "sales_cycle_days"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t10"."_pid" AS "_apid",
    SUM("t10"."open") AS "open",
    SUM("t10"."won") AS "won",
    SUM("t10"."closed") AS "closed",
    SUM("t10"."won_amount") AS "won_amount",
    SUM("t10"."won_valued") AS "won_valued",
    SUM("t10"."cycle_days") AS "cycle_days"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t5"."_m_open" AS "open",
        CAST(NULL AS DOUBLE PRECISION) AS "won",
        CAST(NULL AS DOUBLE PRECISION) AS "closed",
        CAST(NULL AS DOUBLE PRECISION) AS "won_amount",
        CAST(NULL AS DOUBLE PRECISION) AS "won_valued",
        CAST(NULL AS DOUBLE PRECISION) AS "cycle_days"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."account_id",
          "t1"."lead_id",
          "t1"."owner_id",
          "t1"."title",
          "t1"."amount",
          "t1"."currency",
          "t1"."stage_id",
          "t1"."status",
          "t1"."kind",
          "t1"."created_at",
          "t1"."expected_close_at",
          "t1"."closed_at",
          "t1"."lost_reason",
          "t1"."campaign_id",
          "t1"."search_text",
          "t1"."product",
          CAST(1 AS DOUBLE PRECISION) AS "_m_open"
        FROM "deals" AS "t1"
      ) AS "t5"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t5"."created_at" < "t3"."_p_end"
        AND COALESCE("t5"."closed_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t3"."_p_end"
    ) AS "t8"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "open",
        "t7"."_m_won" AS "won",
        "t7"."_m_closed" AS "closed",
        "t7"."_m_won_amount" AS "won_amount",
        "t7"."_m_won_valued" AS "won_valued",
        "t7"."_m_cycle_days" AS "cycle_days"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."account_id",
          "t1"."lead_id",
          "t1"."owner_id",
          "t1"."title",
          "t1"."amount",
          "t1"."currency",
          "t1"."stage_id",
          "t1"."status",
          "t1"."kind",
          "t1"."created_at",
          "t1"."expected_close_at",
          "t1"."closed_at",
          "t1"."lost_reason",
          "t1"."campaign_id",
          "t1"."search_text",
          "t1"."product",
          CAST(CASE WHEN COALESCE("t1"."status" = 'won', FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_won",
          CAST(1 AS DOUBLE PRECISION) AS "_m_closed",
          CASE
            WHEN "t1"."status" = 'won'
            THEN COALESCE(CAST("t1"."amount" AS DOUBLE PRECISION), 0.0)
            ELSE 0.0
          END AS "_m_won_amount",
          CAST(CASE
            WHEN COALESCE((
              "t1"."status" = 'won'
            ) AND (
              "t1"."amount" IS NOT NULL
            ), FALSE)
            THEN 1
            ELSE 0
          END AS DOUBLE PRECISION) AS "_m_won_valued",
          CASE
            WHEN "t1"."status" = 'won'
            THEN CAST(EXTRACT('epoch' FROM "t1"."closed_at") - EXTRACT('epoch' FROM "t1"."created_at") AS DOUBLE PRECISION) / 86400.0
            ELSE 0.0
          END AS "_m_cycle_days"
        FROM "deals" AS "t1"
        WHERE
          "t1"."status" IN ('won', 'lost')
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t7"."closed_at" >= "t3"."_p_start" AND "t7"."closed_at" < "t3"."_p_end"
    ) AS "t9"
  ) AS "t10"
  GROUP BY
    1
) AS "t12"
  ON "t2"."_pid" = "t12"."_apid";

-- sales_velocity · postgres · monthly, company scope, by owner
WITH "t11" AS (
  SELECT
    "t10"."_pid" AS "_apid",
    "t10"."_d_owner" AS "_a_d_owner",
    SUM("t10"."open") AS "open",
    SUM("t10"."won") AS "won",
    SUM("t10"."closed") AS "closed",
    SUM("t10"."won_amount") AS "won_amount",
    SUM("t10"."won_valued") AS "won_valued",
    SUM("t10"."cycle_days") AS "cycle_days"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t5"."_d_owner",
        "t5"."_m_open" AS "open",
        CAST(NULL AS DOUBLE PRECISION) AS "won",
        CAST(NULL AS DOUBLE PRECISION) AS "closed",
        CAST(NULL AS DOUBLE PRECISION) AS "won_amount",
        CAST(NULL AS DOUBLE PRECISION) AS "won_valued",
        CAST(NULL AS DOUBLE PRECISION) AS "cycle_days"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."account_id",
          "t1"."lead_id",
          "t1"."owner_id",
          "t1"."title",
          "t1"."amount",
          "t1"."currency",
          "t1"."stage_id",
          "t1"."status",
          "t1"."kind",
          "t1"."created_at",
          "t1"."expected_close_at",
          "t1"."closed_at",
          "t1"."lost_reason",
          "t1"."campaign_id",
          "t1"."search_text",
          "t1"."product",
          "t1"."owner_id" AS "_owner",
          "t1"."owner_id" AS "_d_owner",
          CAST(1 AS DOUBLE PRECISION) AS "_m_open"
        FROM "deals" AS "t1"
      ) AS "t5"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t5"."created_at" < "t3"."_p_end"
        AND COALESCE("t5"."closed_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t3"."_p_end"
    ) AS "t8"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t7"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "open",
        "t7"."_m_won" AS "won",
        "t7"."_m_closed" AS "closed",
        "t7"."_m_won_amount" AS "won_amount",
        "t7"."_m_won_valued" AS "won_valued",
        "t7"."_m_cycle_days" AS "cycle_days"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."account_id",
          "t1"."lead_id",
          "t1"."owner_id",
          "t1"."title",
          "t1"."amount",
          "t1"."currency",
          "t1"."stage_id",
          "t1"."status",
          "t1"."kind",
          "t1"."created_at",
          "t1"."expected_close_at",
          "t1"."closed_at",
          "t1"."lost_reason",
          "t1"."campaign_id",
          "t1"."search_text",
          "t1"."product",
          "t1"."owner_id" AS "_owner",
          "t1"."owner_id" AS "_d_owner",
          CAST(CASE WHEN COALESCE("t1"."status" = 'won', FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_won",
          CAST(1 AS DOUBLE PRECISION) AS "_m_closed",
          CASE
            WHEN "t1"."status" = 'won'
            THEN COALESCE(CAST("t1"."amount" AS DOUBLE PRECISION), 0.0)
            ELSE 0.0
          END AS "_m_won_amount",
          CAST(CASE
            WHEN COALESCE((
              "t1"."status" = 'won'
            ) AND (
              "t1"."amount" IS NOT NULL
            ), FALSE)
            THEN 1
            ELSE 0
          END AS DOUBLE PRECISION) AS "_m_won_valued",
          CASE
            WHEN "t1"."status" = 'won'
            THEN CAST(EXTRACT('epoch' FROM "t1"."closed_at") - EXTRACT('epoch' FROM "t1"."created_at") AS DOUBLE PRECISION) / 86400.0
            ELSE 0.0
          END AS "_m_cycle_days"
        FROM "deals" AS "t1"
        WHERE
          "t1"."status" IN ('won', 'lost')
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t7"."closed_at" >= "t3"."_p_start" AND "t7"."closed_at" < "t3"."_p_end"
    ) AS "t9"
  ) AS "t10"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t15"."_d_owner" AS "owner",
  CAST((
    COALESCE("t13"."open", 0.0) * (
      CAST(COALESCE("t13"."won", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."closed", 0.0), 0)
    ) * (
      CAST(COALESCE("t13"."won_amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."won_valued", 0.0), 0)
    )
  ) AS DOUBLE PRECISION) / NULLIF(
    CAST(COALESCE("t13"."cycle_days", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."won", 0.0), 0),
    0
  ) AS "value",
  COALESCE("t13"."open", 0.0) * (
    CAST(COALESCE("t13"."won", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."closed", 0.0), 0)
  ) * (
    CAST(COALESCE("t13"."won_amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."won_valued", 0.0), 0)
  ) AS "numerator",
  CAST(COALESCE("t13"."cycle_days", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."won", 0.0), 0) AS "denominator",
  COALESCE("t13"."open", 0.0) AS "open_opportunities",
  CAST(COALESCE("t13"."won", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."closed", 0.0), 0) AS "close_rate",
  CAST(COALESCE("t13"."won_amount", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."won_valued", 0.0), 0) AS "average_deal_value",
  CAST(COALESCE("t13"."cycle_days", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."won", 0.0), 0) AS "sales_cycle_days"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t12"."_a_d_owner" AS "_d_owner"
  FROM "t11" AS "t12"
) AS "t15"
LEFT OUTER JOIN "t11" AS "t13"
  ON "t2"."_pid" = "t13"."_apid"
  AND "t15"."_d_owner" IS NOT DISTINCT FROM "t13"."_a_d_owner";
