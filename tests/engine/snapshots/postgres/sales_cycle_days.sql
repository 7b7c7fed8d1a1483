-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- sales_cycle_days · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t8"."days", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."deals", 0.0), 0) AS "value",
  COALESCE("t8"."days", 0.0) AS "numerator",
  COALESCE("t8"."deals", 0.0) AS "denominator",
  "t8"."days_v" AS "median"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."days") AS "days",
    SUM("t6"."deals") AS "deals",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t6"."days_v") AS "days_v"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_days" AS "days",
      "t5"."_m_deals" AS "deals",
      "t5"."_m_days_v" AS "days_v"
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
        CAST(EXTRACT('epoch' FROM "t1"."closed_at") - EXTRACT('epoch' FROM "t1"."created_at") AS DOUBLE PRECISION) / 86400.0 AS "_m_days",
        CAST(1 AS DOUBLE PRECISION) AS "_m_deals",
        CAST(EXTRACT('epoch' FROM "t1"."closed_at") - EXTRACT('epoch' FROM "t1"."created_at") AS DOUBLE PRECISION) / 86400.0 AS "_m_days_v"
      FROM "deals" AS "t1"
      WHERE
        "t1"."status" = 'won'
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."closed_at" >= "t3"."_p_start" AND "t5"."closed_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- sales_cycle_days · postgres · monthly, company scope, by owner
WITH "t7" AS (
  SELECT
    "t6"."_pid" AS "_apid",
    "t6"."_d_owner" AS "_a_d_owner",
    SUM("t6"."days") AS "days",
    SUM("t6"."deals") AS "deals",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t6"."days_v") AS "days_v"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_d_owner",
      "t5"."_m_days" AS "days",
      "t5"."_m_deals" AS "deals",
      "t5"."_m_days_v" AS "days_v"
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
        CAST(EXTRACT('epoch' FROM "t1"."closed_at") - EXTRACT('epoch' FROM "t1"."created_at") AS DOUBLE PRECISION) / 86400.0 AS "_m_days",
        CAST(1 AS DOUBLE PRECISION) AS "_m_deals",
        CAST(EXTRACT('epoch' FROM "t1"."closed_at") - EXTRACT('epoch' FROM "t1"."created_at") AS DOUBLE PRECISION) / 86400.0 AS "_m_days_v"
      FROM "deals" AS "t1"
      WHERE
        "t1"."status" = 'won'
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."closed_at" >= "t3"."_p_start" AND "t5"."closed_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t11"."_d_owner" AS "owner",
  CAST(COALESCE("t9"."days", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t9"."deals", 0.0), 0) AS "value",
  COALESCE("t9"."days", 0.0) AS "numerator",
  COALESCE("t9"."deals", 0.0) AS "denominator",
  "t9"."days_v" AS "median"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t8"."_a_d_owner" AS "_d_owner"
  FROM "t7" AS "t8"
) AS "t11"
LEFT OUTER JOIN "t7" AS "t9"
  ON "t2"."_pid" = "t9"."_apid"
  AND "t11"."_d_owner" IS NOT DISTINCT FROM "t9"."_a_d_owner";
