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
        -(
          (
            COALESCE(CAST("t11"."cost" AS DOUBLE PRECISION), 0.0) * GREATEST(
              CAST(EXTRACT('epoch' FROM LEAST("t11"."_until", "t5"."_p_end")) - EXTRACT('epoch' FROM GREATEST("t11"."started_at", "t5"."_p_start")) AS DOUBLE PRECISION),
              0.0
            )
          ) / CAST(EXTRACT('epoch' FROM "t11"."_until") - EXTRACT('epoch' FROM "t11"."started_at") AS DOUBLE PRECISION)
        ) AS "net",
        (
          COALESCE(CAST("t11"."cost" AS DOUBLE PRECISION), 0.0) * GREATEST(
            CAST(EXTRACT('epoch' FROM LEAST("t11"."_until", "t5"."_p_end")) - EXTRACT('epoch' FROM GREATEST("t11"."started_at", "t5"."_p_start")) AS DOUBLE PRECISION),
            0.0
          )
        ) / CAST(EXTRACT('epoch' FROM "t11"."_until") - EXTRACT('epoch' FROM "t11"."started_at") AS DOUBLE PRECISION) AS "cost",
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
          GREATEST(
            COALESCE("t1"."ended_at", CAST(CURRENT_TIMESTAMP AS TIMESTAMPTZ)),
            "t1"."started_at" + INTERVAL '1 SECOND'
          ) AS "_until"
        FROM "campaigns" AS "t1"
      ) AS "t11"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t11"."started_at" < "t5"."_p_end"
        AND COALESCE("t11"."_until", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) > "t5"."_p_start"
    ) AS "t16"
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
          "t15"."_campaign",
          COALESCE(CAST("t15"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_net",
          COALESCE(CAST("t15"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_revenue"
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
            "t14"."_campaign"
          FROM (
            SELECT
              "t13"."id",
              "t13"."external_id",
              "t13"."account_id",
              "t13"."lead_id",
              "t13"."owner_id",
              "t13"."title",
              "t13"."amount",
              "t13"."currency",
              "t13"."stage_id",
              "t13"."status",
              "t13"."kind",
              "t13"."created_at",
              "t13"."expected_close_at",
              "t13"."closed_at",
              "t13"."lost_reason",
              "t13"."campaign_id",
              "t13"."search_text",
              "t13"."product",
              "t13"."_lcampaign",
              "t13"."_campaign"
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
                  "t8"."_lid",
                  "t8"."_lcampaign"
                FROM (
                  SELECT
                    *
                  FROM "deals" AS "t2"
                  WHERE
                    "t2"."status" = 'won'
                ) AS "t10"
                LEFT OUTER JOIN (
                  SELECT
                    "t3"."id" AS "_lid",
                    "t3"."campaign_id" AS "_lcampaign"
                  FROM "leads" AS "t3"
                ) AS "t8"
                  ON "t10"."lead_id" = "t8"."_lid"
              ) AS "t12"
            ) AS "t13"
          ) AS "t14"
        ) AS "t15"
        WHERE
          "t15"."_campaign" IS NOT NULL
      ) AS "t18"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t18"."closed_at" >= "t5"."_p_start" AND "t18"."closed_at" < "t5"."_p_end"
    ) AS "t19"
  ) AS "t20"
  GROUP BY
    1
) AS "t22"
  ON "t4"."_pid" = "t22"."_apid";
