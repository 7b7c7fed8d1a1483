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
        -(
          (
            COALESCE(CAST("t11"."cost" AS DOUBLE), 0.0) * GREATEST(
              CAST(EPOCH_US(LEAST("t11"."_until", "t6"."_p_end")) - EPOCH_US(GREATEST("t11"."started_at", "t6"."_p_start")) AS DOUBLE) / 1000000.0,
              0.0
            )
          ) / (
            CAST(EPOCH_US("t11"."_until") - EPOCH_US("t11"."started_at") AS DOUBLE) / 1000000.0
          )
        ) AS "net",
        (
          COALESCE(CAST("t11"."cost" AS DOUBLE), 0.0) * GREATEST(
            CAST(EPOCH_US(LEAST("t11"."_until", "t6"."_p_end")) - EPOCH_US(GREATEST("t11"."started_at", "t6"."_p_start")) AS DOUBLE) / 1000000.0,
            0.0
          )
        ) / (
          CAST(EPOCH_US("t11"."_until") - EPOCH_US("t11"."started_at") AS DOUBLE) / 1000000.0
        ) AS "cost",
        CAST(NULL AS DOUBLE) AS "revenue"
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
            COALESCE("t1"."ended_at", CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIMESTAMPTZ)),
            "t1"."started_at" + INTERVAL '1' SECOND
          ) AS "_until"
        FROM "campaigns" AS "t1"
      ) AS "t11"
      INNER JOIN "pulso_periods" AS "t6"
        ON "t11"."started_at" < "t6"."_p_end"
        AND COALESCE("t11"."_until", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) > "t6"."_p_start"
    ) AS "t16"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t7"."_pid",
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
                "t17".*
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
                    "t9"."_lid",
                    "t9"."_lcampaign"
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
                    ) AS "t12"
                    WHERE
                      "t12"."status" = 'won'
                  ) AS "t14"
                  LEFT OUTER JOIN (
                    SELECT
                      "t4"."id" AS "_lid",
                      "t4"."campaign_id" AS "_lcampaign"
                    FROM "leads" AS "t4"
                  ) AS "t9"
                    ON "t14"."lead_id" = "t9"."_lid"
                ) AS "t15"
              ) AS "t17"
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
      INNER JOIN "pulso_period_slots" AS "t7"
        ON CAST(FLOOR((
          EPOCH_US("t22"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t7"."_slot"
    ) AS "t23"
  ) AS "t24"
  GROUP BY
    1
) AS "t26"
  ON "t5"."_pid" = "t26"."_apid";
