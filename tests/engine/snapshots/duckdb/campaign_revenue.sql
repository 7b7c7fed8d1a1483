-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- campaign_revenue · duckdb · monthly, company scope, no split
SELECT
  "t4"."_pid",
  COALESCE("t20"."revenue", 0.0) AS "value",
  COALESCE("t20"."revenue", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t18"."_pid" AS "_apid",
    SUM("t18"."revenue") AS "revenue"
  FROM (
    SELECT
      "t5"."_pid",
      "t17"."_m_revenue" AS "revenue"
    FROM (
      SELECT
        *
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
          "t14"."_campaign",
          COALESCE(CAST("t14"."amount" AS DOUBLE), 0.0) AS "_m_revenue"
        FROM (
          SELECT
            "t13".*
            EXCLUDE ("_lcampaign")
          FROM (
            SELECT
              "t12".*
              EXCLUDE ("_lid")
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
                "t11"."_lid",
                "t11"."_lcampaign",
                COALESCE("t11"."_lcampaign", "t11"."campaign_id") AS "_campaign"
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
                  "t7"."_lid",
                  "t7"."_lcampaign"
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM "deals" AS "t2"
                    WHERE
                      (
                        (
                          "t2"."closed_at" >= GETVARIABLE('pulso_lo')
                        )
                        AND (
                          "t2"."closed_at" < GETVARIABLE('pulso_hi')
                        )
                      )
                      OR (
                        (
                          "t2"."closed_at" >= GETVARIABLE('pulso_lo2')
                        )
                        AND (
                          "t2"."closed_at" < GETVARIABLE('pulso_hi2')
                        )
                      )
                  ) AS "t8"
                  WHERE
                    "t8"."status" = 'won'
                ) AS "t10"
                LEFT OUTER JOIN (
                  SELECT
                    "t3"."id" AS "_lid",
                    "t3"."campaign_id" AS "_lcampaign"
                  FROM "leads" AS "t3"
                ) AS "t7"
                  ON "t10"."lead_id" = "t7"."_lid"
              ) AS "t11"
            ) AS "t12"
          ) AS "t13"
        ) AS "t14"
        WHERE
          "t14"."_campaign" IS NOT NULL
      ) AS "t15"
      WHERE
        (
          (
            "t15"."closed_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t15"."closed_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t15"."closed_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t15"."closed_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t17"
    INNER JOIN "pulso_period_slots" AS "t5"
      ON CAST(FLOOR((
        EPOCH_US("t17"."closed_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t5"."_slot"
  ) AS "t18"
  GROUP BY
    1
) AS "t20"
  ON "t4"."_pid" = "t20"."_apid";

-- campaign_revenue · duckdb · monthly, company scope, by owner
WITH "t19" AS (
  SELECT
    "t18"."_pid" AS "_apid",
    "t18"."_d_owner" AS "_a_d_owner",
    SUM("t18"."revenue") AS "revenue"
  FROM (
    SELECT
      "t5"."_pid",
      "t17"."_d_owner",
      "t17"."_m_revenue" AS "revenue"
    FROM (
      SELECT
        *
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
          "t14"."_campaign",
          "t14"."owner_id" AS "_owner",
          "t14"."owner_id" AS "_d_owner",
          COALESCE(CAST("t14"."amount" AS DOUBLE), 0.0) AS "_m_revenue"
        FROM (
          SELECT
            "t13".*
            EXCLUDE ("_lcampaign")
          FROM (
            SELECT
              "t12".*
              EXCLUDE ("_lid")
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
                "t11"."_lid",
                "t11"."_lcampaign",
                COALESCE("t11"."_lcampaign", "t11"."campaign_id") AS "_campaign"
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
                  "t7"."_lid",
                  "t7"."_lcampaign"
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM "deals" AS "t2"
                    WHERE
                      (
                        (
                          "t2"."closed_at" >= GETVARIABLE('pulso_lo')
                        )
                        AND (
                          "t2"."closed_at" < GETVARIABLE('pulso_hi')
                        )
                      )
                      OR (
                        (
                          "t2"."closed_at" >= GETVARIABLE('pulso_lo2')
                        )
                        AND (
                          "t2"."closed_at" < GETVARIABLE('pulso_hi2')
                        )
                      )
                  ) AS "t8"
                  WHERE
                    "t8"."status" = 'won'
                ) AS "t10"
                LEFT OUTER JOIN (
                  SELECT
                    "t3"."id" AS "_lid",
                    "t3"."campaign_id" AS "_lcampaign"
                  FROM "leads" AS "t3"
                ) AS "t7"
                  ON "t10"."lead_id" = "t7"."_lid"
              ) AS "t11"
            ) AS "t12"
          ) AS "t13"
        ) AS "t14"
        WHERE
          "t14"."_campaign" IS NOT NULL
      ) AS "t15"
      WHERE
        (
          (
            "t15"."closed_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t15"."closed_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t15"."closed_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t15"."closed_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t17"
    INNER JOIN "pulso_period_slots" AS "t5"
      ON CAST(FLOOR((
        EPOCH_US("t17"."closed_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t5"."_slot"
  ) AS "t18"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t23"."_d_owner" AS "owner",
  COALESCE("t21"."revenue", 0.0) AS "value",
  COALESCE("t21"."revenue", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t20"."_a_d_owner" AS "_d_owner"
  FROM "t19" AS "t20"
) AS "t23"
LEFT OUTER JOIN "t19" AS "t21"
  ON "t4"."_pid" = "t21"."_apid"
  AND "t23"."_d_owner" IS NOT DISTINCT FROM "t21"."_a_d_owner";
