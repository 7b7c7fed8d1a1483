-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- campaign_roi · duckdb · monthly, company scope, no split
SELECT
  "t5"."_pid",
  COALESCE("t26"."net", 0.0) / NULLIF(COALESCE("t26"."cost", 0.0), 0) AS "value",
  COALESCE("t26"."net", 0.0) AS "numerator",
  COALESCE("t26"."cost", 0.0) AS "denominator",
  COALESCE("t26"."revenue", 0.0) AS "revenue",
  COALESCE("t26"."cost", 0.0) AS "cost"
FROM "pulso_periods" AS "t5"
LEFT OUTER JOIN (
  SELECT
    "t24"."_pid" AS "_apid",
    SUM("t24"."net") AS "net",
    SUM("t24"."cost") AS "cost",
    SUM("t24"."revenue") AS "revenue"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t6"."_pid",
        "t14"."_m_net" AS "net",
        "t14"."_m_cost" AS "cost",
        CAST(NULL AS DOUBLE) AS "revenue"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."name",
            "t2"."channel",
            "t2"."started_at",
            "t2"."ended_at",
            "t2"."cost",
            "t2"."currency",
            -(
              COALESCE(CAST("t2"."cost" AS DOUBLE), 0.0)
            ) AS "_m_net",
            COALESCE(CAST("t2"."cost" AS DOUBLE), 0.0) AS "_m_cost"
          FROM "campaigns" AS "t2"
        ) AS "t9"
        WHERE
          (
            (
              "t9"."started_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t9"."started_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t9"."started_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t9"."started_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t14"
      INNER JOIN "pulso_period_slots" AS "t6"
        ON CAST(FLOOR((
          EPOCH_US("t14"."started_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t6"."_slot"
    ) AS "t17"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t6"."_pid",
        "t22"."_m_net" AS "net",
        CAST(NULL AS DOUBLE) AS "cost",
        "t22"."_m_revenue" AS "revenue"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t19"."id",
            "t19"."external_id",
            "t19"."account_id",
            "t19"."lead_id",
            "t19"."owner_id",
            "t19"."title",
            "t19"."amount",
            "t19"."currency",
            "t19"."stage_id",
            "t19"."status",
            "t19"."kind",
            "t19"."created_at",
            "t19"."expected_close_at",
            "t19"."closed_at",
            "t19"."lost_reason",
            "t19"."campaign_id",
            "t19"."search_text",
            "t19"."product",
            "t19"."_campaign",
            COALESCE(CAST("t19"."amount" AS DOUBLE), 0.0) AS "_m_net",
            COALESCE(CAST("t19"."amount" AS DOUBLE), 0.0) AS "_m_revenue"
          FROM (
            SELECT
              "t18".*
              EXCLUDE ("_lcampaign")
            FROM (
              SELECT
                "t16".*
                EXCLUDE ("_lid")
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
                  "t15"."_lid",
                  "t15"."_lcampaign",
                  COALESCE("t15"."_lcampaign", "t15"."campaign_id") AS "_campaign"
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
                    "t8"."_lid",
                    "t8"."_lcampaign"
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM "deals" AS "t3"
                      WHERE
                        (
                          (
                            "t3"."closed_at" >= GETVARIABLE('pulso_lo')
                          )
                          AND (
                            "t3"."closed_at" < GETVARIABLE('pulso_hi')
                          )
                        )
                        OR (
                          (
                            "t3"."closed_at" >= GETVARIABLE('pulso_lo2')
                          )
                          AND (
                            "t3"."closed_at" < GETVARIABLE('pulso_hi2')
                          )
                        )
                    ) AS "t10"
                    WHERE
                      "t10"."status" = 'won'
                  ) AS "t12"
                  LEFT OUTER JOIN (
                    SELECT
                      "t4"."id" AS "_lid",
                      "t4"."campaign_id" AS "_lcampaign"
                    FROM "leads" AS "t4"
                  ) AS "t8"
                    ON "t12"."lead_id" = "t8"."_lid"
                ) AS "t15"
              ) AS "t16"
            ) AS "t18"
          ) AS "t19"
          WHERE
            "t19"."_campaign" IS NOT NULL
        ) AS "t20"
        WHERE
          (
            (
              "t20"."closed_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t20"."closed_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t20"."closed_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t20"."closed_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t22"
      INNER JOIN "pulso_period_slots" AS "t6"
        ON CAST(FLOOR((
          EPOCH_US("t22"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t6"."_slot"
    ) AS "t23"
  ) AS "t24"
  GROUP BY
    1
) AS "t26"
  ON "t5"."_pid" = "t26"."_apid";
