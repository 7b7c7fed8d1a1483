-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- campaign_revenue · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t17"."revenue", 0.0) AS "value",
  COALESCE("t17"."revenue", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t15"."_pid" AS "_apid",
    SUM("t15"."revenue") AS "revenue"
  FROM (
    SELECT
      "t4"."_pid",
      "t14"."_m_revenue" AS "revenue"
    FROM (
      SELECT
        "t12"."id",
        "t12"."external_id",
        "t12"."account_id",
        "t12"."lead_id",
        "t12"."owner_id",
        "t12"."title",
        "t12"."amount",
        "t12"."currency",
        "t12"."stage_id",
        "t12"."status",
        "t12"."kind",
        "t12"."created_at",
        "t12"."expected_close_at",
        "t12"."closed_at",
        "t12"."lost_reason",
        "t12"."campaign_id",
        "t12"."search_text",
        "t12"."product",
        "t12"."_campaign",
        COALESCE(CAST("t12"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_revenue"
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
          "t11"."_campaign"
        FROM (
          SELECT
            "t10"."id",
            "t10"."external_id",
            "t10"."account_id",
            "t10"."lead_id",
            "t10"."owner_id",
            "t10"."title",
            "t10"."amount",
            "t10"."currency",
            "t10"."stage_id",
            "t10"."status",
            "t10"."kind",
            "t10"."created_at",
            "t10"."expected_close_at",
            "t10"."closed_at",
            "t10"."lost_reason",
            "t10"."campaign_id",
            "t10"."search_text",
            "t10"."product",
            "t10"."_lcampaign",
            "t10"."_campaign"
          FROM (
            SELECT
              "t9"."id",
              "t9"."external_id",
              "t9"."account_id",
              "t9"."lead_id",
              "t9"."owner_id",
              "t9"."title",
              "t9"."amount",
              "t9"."currency",
              "t9"."stage_id",
              "t9"."status",
              "t9"."kind",
              "t9"."created_at",
              "t9"."expected_close_at",
              "t9"."closed_at",
              "t9"."lost_reason",
              "t9"."campaign_id",
              "t9"."search_text",
              "t9"."product",
              "t9"."_lid",
              "t9"."_lcampaign",
              COALESCE("t9"."_lcampaign", "t9"."campaign_id") AS "_campaign"
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
                "t7"."_lid",
                "t7"."_lcampaign"
              FROM (
                SELECT
                  *
                FROM "deals" AS "t1"
                WHERE
                  "t1"."status" = 'won'
              ) AS "t8"
              LEFT OUTER JOIN (
                SELECT
                  "t2"."id" AS "_lid",
                  "t2"."campaign_id" AS "_lcampaign"
                FROM "leads" AS "t2"
              ) AS "t7"
                ON "t8"."lead_id" = "t7"."_lid"
            ) AS "t9"
          ) AS "t10"
        ) AS "t11"
      ) AS "t12"
      WHERE
        "t12"."_campaign" IS NOT NULL
    ) AS "t14"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t14"."closed_at" >= "t4"."_p_start" AND "t14"."closed_at" < "t4"."_p_end"
  ) AS "t15"
  GROUP BY
    1
) AS "t17"
  ON "t3"."_pid" = "t17"."_apid";

-- campaign_revenue · postgres · monthly, company scope, by owner
WITH "t16" AS (
  SELECT
    "t15"."_pid" AS "_apid",
    "t15"."_d_owner" AS "_a_d_owner",
    SUM("t15"."revenue") AS "revenue"
  FROM (
    SELECT
      "t4"."_pid",
      "t14"."_d_owner",
      "t14"."_m_revenue" AS "revenue"
    FROM (
      SELECT
        "t12"."id",
        "t12"."external_id",
        "t12"."account_id",
        "t12"."lead_id",
        "t12"."owner_id",
        "t12"."title",
        "t12"."amount",
        "t12"."currency",
        "t12"."stage_id",
        "t12"."status",
        "t12"."kind",
        "t12"."created_at",
        "t12"."expected_close_at",
        "t12"."closed_at",
        "t12"."lost_reason",
        "t12"."campaign_id",
        "t12"."search_text",
        "t12"."product",
        "t12"."_campaign",
        "t12"."owner_id" AS "_owner",
        "t12"."owner_id" AS "_d_owner",
        COALESCE(CAST("t12"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_revenue"
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
          "t11"."_campaign"
        FROM (
          SELECT
            "t10"."id",
            "t10"."external_id",
            "t10"."account_id",
            "t10"."lead_id",
            "t10"."owner_id",
            "t10"."title",
            "t10"."amount",
            "t10"."currency",
            "t10"."stage_id",
            "t10"."status",
            "t10"."kind",
            "t10"."created_at",
            "t10"."expected_close_at",
            "t10"."closed_at",
            "t10"."lost_reason",
            "t10"."campaign_id",
            "t10"."search_text",
            "t10"."product",
            "t10"."_lcampaign",
            "t10"."_campaign"
          FROM (
            SELECT
              "t9"."id",
              "t9"."external_id",
              "t9"."account_id",
              "t9"."lead_id",
              "t9"."owner_id",
              "t9"."title",
              "t9"."amount",
              "t9"."currency",
              "t9"."stage_id",
              "t9"."status",
              "t9"."kind",
              "t9"."created_at",
              "t9"."expected_close_at",
              "t9"."closed_at",
              "t9"."lost_reason",
              "t9"."campaign_id",
              "t9"."search_text",
              "t9"."product",
              "t9"."_lid",
              "t9"."_lcampaign",
              COALESCE("t9"."_lcampaign", "t9"."campaign_id") AS "_campaign"
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
                "t7"."_lid",
                "t7"."_lcampaign"
              FROM (
                SELECT
                  *
                FROM "deals" AS "t1"
                WHERE
                  "t1"."status" = 'won'
              ) AS "t8"
              LEFT OUTER JOIN (
                SELECT
                  "t2"."id" AS "_lid",
                  "t2"."campaign_id" AS "_lcampaign"
                FROM "leads" AS "t2"
              ) AS "t7"
                ON "t8"."lead_id" = "t7"."_lid"
            ) AS "t9"
          ) AS "t10"
        ) AS "t11"
      ) AS "t12"
      WHERE
        "t12"."_campaign" IS NOT NULL
    ) AS "t14"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t14"."closed_at" >= "t4"."_p_start" AND "t14"."closed_at" < "t4"."_p_end"
  ) AS "t15"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t20"."_d_owner" AS "owner",
  COALESCE("t18"."revenue", 0.0) AS "value",
  COALESCE("t18"."revenue", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t17"."_a_d_owner" AS "_d_owner"
  FROM "t16" AS "t17"
) AS "t20"
LEFT OUTER JOIN "t16" AS "t18"
  ON "t3"."_pid" = "t18"."_apid"
  AND "t20"."_d_owner" IS NOT DISTINCT FROM "t18"."_a_d_owner";
