-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- activities_per_won_deal · duckdb · monthly, company scope, no split
SELECT
  "t4"."_pid",
  COALESCE("t16"."activities", 0.0) / NULLIF(COALESCE("t16"."won", 0.0), 0) AS "value",
  COALESCE("t16"."activities", 0.0) AS "numerator",
  COALESCE("t16"."won", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t14"."_pid" AS "_apid",
    SUM("t14"."activities") AS "activities",
    SUM("t14"."won") AS "won"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t10"."_m_activities" AS "activities",
        CAST(NULL AS DOUBLE) AS "won"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."type",
            "t2"."direction",
            "t2"."owner_id",
            "t2"."account_id",
            "t2"."lead_id",
            "t2"."deal_id",
            "t2"."ticket_id",
            "t2"."occurred_at",
            "t2"."duration_s",
            "t2"."automated",
            "t2"."outcome",
            "t2"."due_at",
            "t2"."done_at",
            CAST(1 AS DOUBLE) AS "_m_activities"
          FROM "activities" AS "t2"
          WHERE
            "t2"."type" IN ('call', 'email', 'voicemail', 'meeting')
        ) AS "t6"
        WHERE
          (
            (
              "t6"."occurred_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t6"."occurred_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t6"."occurred_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t6"."occurred_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t10"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t10"."occurred_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        CAST(NULL AS DOUBLE) AS "activities",
        "t11"."_m_won" AS "won"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t3"."id",
            "t3"."external_id",
            "t3"."account_id",
            "t3"."lead_id",
            "t3"."owner_id",
            "t3"."title",
            "t3"."amount",
            "t3"."currency",
            "t3"."stage_id",
            "t3"."status",
            "t3"."kind",
            "t3"."created_at",
            "t3"."expected_close_at",
            "t3"."closed_at",
            "t3"."lost_reason",
            "t3"."campaign_id",
            "t3"."search_text",
            "t3"."product",
            CAST(1 AS DOUBLE) AS "_m_won"
          FROM "deals" AS "t3"
          WHERE
            "t3"."status" = 'won'
        ) AS "t7"
        WHERE
          (
            (
              "t7"."closed_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t7"."closed_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t7"."closed_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t7"."closed_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t11"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t11"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t13"
  ) AS "t14"
  GROUP BY
    1
) AS "t16"
  ON "t4"."_pid" = "t16"."_apid";

-- activities_per_won_deal · duckdb · monthly, company scope, by owner
WITH "t15" AS (
  SELECT
    "t14"."_pid" AS "_apid",
    "t14"."_d_owner" AS "_a_d_owner",
    SUM("t14"."activities") AS "activities",
    SUM("t14"."won") AS "won"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t10"."_d_owner",
        "t10"."_m_activities" AS "activities",
        CAST(NULL AS DOUBLE) AS "won"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."type",
            "t2"."direction",
            "t2"."owner_id",
            "t2"."account_id",
            "t2"."lead_id",
            "t2"."deal_id",
            "t2"."ticket_id",
            "t2"."occurred_at",
            "t2"."duration_s",
            "t2"."automated",
            "t2"."outcome",
            "t2"."due_at",
            "t2"."done_at",
            "t2"."owner_id" AS "_owner",
            "t2"."owner_id" AS "_d_owner",
            CAST(1 AS DOUBLE) AS "_m_activities"
          FROM "activities" AS "t2"
          WHERE
            "t2"."type" IN ('call', 'email', 'voicemail', 'meeting')
        ) AS "t6"
        WHERE
          (
            (
              "t6"."occurred_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t6"."occurred_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t6"."occurred_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t6"."occurred_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t10"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t10"."occurred_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t11"."_d_owner",
        CAST(NULL AS DOUBLE) AS "activities",
        "t11"."_m_won" AS "won"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t3"."id",
            "t3"."external_id",
            "t3"."account_id",
            "t3"."lead_id",
            "t3"."owner_id",
            "t3"."title",
            "t3"."amount",
            "t3"."currency",
            "t3"."stage_id",
            "t3"."status",
            "t3"."kind",
            "t3"."created_at",
            "t3"."expected_close_at",
            "t3"."closed_at",
            "t3"."lost_reason",
            "t3"."campaign_id",
            "t3"."search_text",
            "t3"."product",
            "t3"."owner_id" AS "_owner",
            "t3"."owner_id" AS "_d_owner",
            CAST(1 AS DOUBLE) AS "_m_won"
          FROM "deals" AS "t3"
          WHERE
            "t3"."status" = 'won'
        ) AS "t7"
        WHERE
          (
            (
              "t7"."closed_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t7"."closed_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t7"."closed_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t7"."closed_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t11"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t11"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t13"
  ) AS "t14"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t19"."_d_owner" AS "owner",
  COALESCE("t17"."activities", 0.0) / NULLIF(COALESCE("t17"."won", 0.0), 0) AS "value",
  COALESCE("t17"."activities", 0.0) AS "numerator",
  COALESCE("t17"."won", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t16"."_a_d_owner" AS "_d_owner"
  FROM "t15" AS "t16"
) AS "t19"
LEFT OUTER JOIN "t15" AS "t17"
  ON "t4"."_pid" = "t17"."_apid"
  AND "t19"."_d_owner" IS NOT DISTINCT FROM "t17"."_a_d_owner";
