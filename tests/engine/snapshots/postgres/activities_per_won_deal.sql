-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- activities_per_won_deal · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t13"."activities", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."won", 0.0), 0) AS "value",
  COALESCE("t13"."activities", 0.0) AS "numerator",
  COALESCE("t13"."won", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t11"."_pid" AS "_apid",
    SUM("t11"."activities") AS "activities",
    SUM("t11"."won") AS "won"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t7"."_m_activities" AS "activities",
        CAST(NULL AS DOUBLE PRECISION) AS "won"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."type",
          "t1"."direction",
          "t1"."owner_id",
          "t1"."account_id",
          "t1"."lead_id",
          "t1"."deal_id",
          "t1"."ticket_id",
          "t1"."occurred_at",
          "t1"."duration_s",
          "t1"."automated",
          "t1"."outcome",
          "t1"."due_at",
          "t1"."done_at",
          CAST(1 AS DOUBLE PRECISION) AS "_m_activities"
        FROM "activities" AS "t1"
        WHERE
          "t1"."type" IN ('call', 'email', 'voicemail', 'meeting')
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t7"."occurred_at" >= "t4"."_p_start" AND "t7"."occurred_at" < "t4"."_p_end"
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "activities",
        "t8"."_m_won" AS "won"
      FROM (
        SELECT
          "t2"."id",
          "t2"."external_id",
          "t2"."account_id",
          "t2"."lead_id",
          "t2"."owner_id",
          "t2"."title",
          "t2"."amount",
          "t2"."currency",
          "t2"."stage_id",
          "t2"."status",
          "t2"."kind",
          "t2"."created_at",
          "t2"."expected_close_at",
          "t2"."closed_at",
          "t2"."lost_reason",
          "t2"."campaign_id",
          "t2"."search_text",
          "t2"."product",
          CAST(1 AS DOUBLE PRECISION) AS "_m_won"
        FROM "deals" AS "t2"
        WHERE
          "t2"."status" = 'won'
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t8"."closed_at" >= "t4"."_p_start" AND "t8"."closed_at" < "t4"."_p_end"
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1
) AS "t13"
  ON "t3"."_pid" = "t13"."_apid";

-- activities_per_won_deal · postgres · monthly, company scope, by owner
WITH "t12" AS (
  SELECT
    "t11"."_pid" AS "_apid",
    "t11"."_d_owner" AS "_a_d_owner",
    SUM("t11"."activities") AS "activities",
    SUM("t11"."won") AS "won"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t7"."_d_owner",
        "t7"."_m_activities" AS "activities",
        CAST(NULL AS DOUBLE PRECISION) AS "won"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."type",
          "t1"."direction",
          "t1"."owner_id",
          "t1"."account_id",
          "t1"."lead_id",
          "t1"."deal_id",
          "t1"."ticket_id",
          "t1"."occurred_at",
          "t1"."duration_s",
          "t1"."automated",
          "t1"."outcome",
          "t1"."due_at",
          "t1"."done_at",
          "t1"."owner_id" AS "_owner",
          "t1"."owner_id" AS "_d_owner",
          CAST(1 AS DOUBLE PRECISION) AS "_m_activities"
        FROM "activities" AS "t1"
        WHERE
          "t1"."type" IN ('call', 'email', 'voicemail', 'meeting')
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t7"."occurred_at" >= "t4"."_p_start" AND "t7"."occurred_at" < "t4"."_p_end"
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t8"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "activities",
        "t8"."_m_won" AS "won"
      FROM (
        SELECT
          "t2"."id",
          "t2"."external_id",
          "t2"."account_id",
          "t2"."lead_id",
          "t2"."owner_id",
          "t2"."title",
          "t2"."amount",
          "t2"."currency",
          "t2"."stage_id",
          "t2"."status",
          "t2"."kind",
          "t2"."created_at",
          "t2"."expected_close_at",
          "t2"."closed_at",
          "t2"."lost_reason",
          "t2"."campaign_id",
          "t2"."search_text",
          "t2"."product",
          "t2"."owner_id" AS "_owner",
          "t2"."owner_id" AS "_d_owner",
          CAST(1 AS DOUBLE PRECISION) AS "_m_won"
        FROM "deals" AS "t2"
        WHERE
          "t2"."status" = 'won'
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t8"."closed_at" >= "t4"."_p_start" AND "t8"."closed_at" < "t4"."_p_end"
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t16"."_d_owner" AS "owner",
  CAST(COALESCE("t14"."activities", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t14"."won", 0.0), 0) AS "value",
  COALESCE("t14"."activities", 0.0) AS "numerator",
  COALESCE("t14"."won", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t13"."_a_d_owner" AS "_d_owner"
  FROM "t12" AS "t13"
) AS "t16"
LEFT OUTER JOIN "t12" AS "t14"
  ON "t3"."_pid" = "t14"."_apid"
  AND "t16"."_d_owner" IS NOT DISTINCT FROM "t14"."_a_d_owner";
