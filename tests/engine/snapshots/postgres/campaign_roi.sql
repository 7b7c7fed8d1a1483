-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- campaign_roi · postgres · monthly, company scope, no split
SELECT
  "t4"."_pid",
  CAST(COALESCE("t22"."net", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t22"."cost", 0.0), 0) AS "value",
  COALESCE("t22"."net", 0.0) AS "numerator",
  COALESCE("t22"."cost", 0.0) AS "denominator",
  COALESCE("t22"."revenue", 0.0) AS "revenue",
  COALESCE("t22"."cost", 0.0) AS "cost"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t20"."_pid" AS "_apid",
    SUM("t20"."net") AS "net",
    SUM("t20"."cost") AS "cost",
    SUM("t20"."revenue") AS "revenue"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t11"."_m_net" AS "net",
        "t11"."_m_cost" AS "cost",
        CAST(NULL AS DOUBLE PRECISION) AS "revenue"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."name",
          "t1"."channel",
          "t1"."started_at",
          "t1"."ended_at",
          "t1"."cost",
          "t1"."currency",
          -(
            COALESCE(CAST("t1"."cost" AS DOUBLE PRECISION), 0.0)
          ) AS "_m_net",
          COALESCE(CAST("t1"."cost" AS DOUBLE PRECISION), 0.0) AS "_m_cost"
        FROM "campaigns" AS "t1"
      ) AS "t11"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t11"."started_at" >= "t5"."_p_start" AND "t11"."started_at" < "t5"."_p_end"
    ) AS "t13"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t18"."_m_net" AS "net",
        CAST(NULL AS DOUBLE PRECISION) AS "cost",
        "t18"."_m_revenue" AS "revenue"
      FROM (
        SELECT
          "t16"."id",
          "t16"."external_id",
          "t16"."account_id",
          "t16"."lead_id",
          "t16"."owner_id",
          "t16"."title",
          "t16"."amount",
          "t16"."currency",
          "t16"."stage_id",
          "t16"."status",
          "t16"."kind",
          "t16"."created_at",
          "t16"."expected_close_at",
          "t16"."closed_at",
          "t16"."lost_reason",
          "t16"."campaign_id",
          "t16"."search_text",
          "t16"."product",
          "t16"."_campaign",
          COALESCE(CAST("t16"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_net",
          COALESCE(CAST("t16"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_revenue"
        FROM (
          SELECT
            "t15"."id",
            "t15"."external_id",
            "t15"."account_id",
            "t15"."lead_id",
            "t15"."owner_id",
            "t15"."title",
            "t15"."amount",
            "t15"."currency",
            "t15"."stage_id",
            "t15"."status",
            "t15"."kind",
            "t15"."created_at",
            "t15"."expected_close_at",
            "t15"."closed_at",
            "t15"."lost_reason",
            "t15"."campaign_id",
            "t15"."search_text",
            "t15"."product",
            "t15"."_campaign"
          FROM (
            SELECT
              "t14"."id",
              "t14"."external_id",
              "t14"."account_id",
              "t14"."lead_id",
              "t14"."owner_id",
              "t14"."title",
              "t14"."amount",
              "t14"."currency",
              "t14"."stage_id",
              "t14"."status",
              "t14"."kind",
              "t14"."created_at",
              "t14"."expected_close_at",
              "t14"."closed_at",
              "t14"."lost_reason",
              "t14"."campaign_id",
              "t14"."search_text",
              "t14"."product",
              "t14"."_lcampaign",
              "t14"."_campaign"
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
                "t12"."_lid",
                "t12"."_lcampaign",
                COALESCE("t12"."_lcampaign", "t12"."campaign_id") AS "_campaign"
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
                  "t8"."_lid",
                  "t8"."_lcampaign"
                FROM (
                  SELECT
                    *
                  FROM "deals" AS "t2"
                  WHERE
                    "t2"."status" = 'won'
                ) AS "t9"
                LEFT OUTER JOIN (
                  SELECT
                    "t3"."id" AS "_lid",
                    "t3"."campaign_id" AS "_lcampaign"
                  FROM "leads" AS "t3"
                ) AS "t8"
                  ON "t9"."lead_id" = "t8"."_lid"
              ) AS "t12"
            ) AS "t14"
          ) AS "t15"
        ) AS "t16"
        WHERE
          "t16"."_campaign" IS NOT NULL
      ) AS "t18"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t18"."closed_at" >= "t5"."_p_start" AND "t18"."closed_at" < "t5"."_p_end"
    ) AS "t19"
  ) AS "t20"
  GROUP BY
    1
) AS "t22"
  ON "t4"."_pid" = "t22"."_apid";
