-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- sales_cycle_days · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t11"."days", 0.0) / NULLIF(COALESCE("t11"."deals", 0.0), 0) AS "value",
  COALESCE("t11"."days", 0.0) AS "numerator",
  COALESCE("t11"."deals", 0.0) AS "denominator",
  "t11"."days_v" AS "median"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t9"."_pid" AS "_apid",
    SUM("t9"."days") AS "days",
    SUM("t9"."deals") AS "deals",
    QUANTILE_CONT("t9"."days_v", 0.5) AS "days_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t8"."_m_days" AS "days",
      "t8"."_m_deals" AS "deals",
      "t8"."_m_days_v" AS "days_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t5"."id",
          "t5"."external_id",
          "t5"."account_id",
          "t5"."lead_id",
          "t5"."owner_id",
          "t5"."title",
          "t5"."amount",
          "t5"."currency",
          "t5"."stage_id",
          "t5"."status",
          "t5"."kind",
          "t5"."created_at",
          "t5"."expected_close_at",
          "t5"."closed_at",
          "t5"."lost_reason",
          "t5"."campaign_id",
          "t5"."search_text",
          "t5"."product",
          (
            CAST(EPOCH_US("t5"."closed_at") - EPOCH_US("t5"."created_at") AS DOUBLE) / 1000000.0
          ) / 86400.0 AS "_m_days",
          CAST(1 AS DOUBLE) AS "_m_deals",
          (
            CAST(EPOCH_US("t5"."closed_at") - EPOCH_US("t5"."created_at") AS DOUBLE) / 1000000.0
          ) / 86400.0 AS "_m_days_v"
        FROM (
          SELECT
            *
          FROM "deals" AS "t2"
          WHERE
            "t2"."status" = 'won'
        ) AS "t5"
      ) AS "t6"
      WHERE
        (
          (
            "t6"."closed_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t6"."closed_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t6"."closed_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t6"."closed_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t8"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t8"."closed_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t9"
  GROUP BY
    1
) AS "t11"
  ON "t3"."_pid" = "t11"."_apid";

-- sales_cycle_days · duckdb · monthly, company scope, by owner
WITH "t10" AS (
  SELECT
    "t9"."_pid" AS "_apid",
    "t9"."_d_owner" AS "_a_d_owner",
    SUM("t9"."days") AS "days",
    SUM("t9"."deals") AS "deals",
    QUANTILE_CONT("t9"."days_v", 0.5) AS "days_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t8"."_d_owner",
      "t8"."_m_days" AS "days",
      "t8"."_m_deals" AS "deals",
      "t8"."_m_days_v" AS "days_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t5"."id",
          "t5"."external_id",
          "t5"."account_id",
          "t5"."lead_id",
          "t5"."owner_id",
          "t5"."title",
          "t5"."amount",
          "t5"."currency",
          "t5"."stage_id",
          "t5"."status",
          "t5"."kind",
          "t5"."created_at",
          "t5"."expected_close_at",
          "t5"."closed_at",
          "t5"."lost_reason",
          "t5"."campaign_id",
          "t5"."search_text",
          "t5"."product",
          "t5"."_owner",
          "t5"."_d_owner",
          (
            CAST(EPOCH_US("t5"."closed_at") - EPOCH_US("t5"."created_at") AS DOUBLE) / 1000000.0
          ) / 86400.0 AS "_m_days",
          CAST(1 AS DOUBLE) AS "_m_deals",
          (
            CAST(EPOCH_US("t5"."closed_at") - EPOCH_US("t5"."created_at") AS DOUBLE) / 1000000.0
          ) / 86400.0 AS "_m_days_v"
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
            "t2"."owner_id" AS "_d_owner"
          FROM "deals" AS "t2"
          WHERE
            "t2"."status" = 'won'
        ) AS "t5"
      ) AS "t6"
      WHERE
        (
          (
            "t6"."closed_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t6"."closed_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t6"."closed_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t6"."closed_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t8"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t8"."closed_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t9"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t14"."_d_owner" AS "owner",
  COALESCE("t12"."days", 0.0) / NULLIF(COALESCE("t12"."deals", 0.0), 0) AS "value",
  COALESCE("t12"."days", 0.0) AS "numerator",
  COALESCE("t12"."deals", 0.0) AS "denominator",
  "t12"."days_v" AS "median"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t11"."_a_d_owner" AS "_d_owner"
  FROM "t10" AS "t11"
) AS "t14"
LEFT OUTER JOIN "t10" AS "t12"
  ON "t3"."_pid" = "t12"."_apid"
  AND "t14"."_d_owner" IS NOT DISTINCT FROM "t12"."_a_d_owner";
