-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- average_deal_value · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."amount", 0.0) / NULLIF(COALESCE("t10"."deals", 0.0), 0) AS "value",
  COALESCE("t10"."amount", 0.0) AS "numerator",
  COALESCE("t10"."deals", 0.0) AS "denominator",
  "t10"."amount_v" AS "median"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."amount") AS "amount",
    SUM("t8"."deals") AS "deals",
    QUANTILE_CONT("t8"."amount_v", 0.5) AS "amount_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_m_amount" AS "amount",
      "t7"."_m_deals" AS "deals",
      "t7"."_m_amount_v" AS "amount_v"
    FROM (
      SELECT
        *
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
          COALESCE(CAST("t2"."amount" AS DOUBLE), 0.0) AS "_m_amount",
          CAST(1 AS DOUBLE) AS "_m_deals",
          COALESCE(CAST("t2"."amount" AS DOUBLE), 0.0) AS "_m_amount_v"
        FROM "deals" AS "t2"
        WHERE
          "t2"."status" = 'won' AND "t2"."amount" IS NOT NULL
      ) AS "t5"
      WHERE
        (
          (
            "t5"."closed_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."closed_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."closed_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."closed_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."closed_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t3"."_pid" = "t10"."_apid";

-- average_deal_value · duckdb · monthly, company scope, by owner
WITH "t9" AS (
  SELECT
    "t8"."_pid" AS "_apid",
    "t8"."_d_owner" AS "_a_d_owner",
    SUM("t8"."amount") AS "amount",
    SUM("t8"."deals") AS "deals",
    QUANTILE_CONT("t8"."amount_v", 0.5) AS "amount_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_d_owner",
      "t7"."_m_amount" AS "amount",
      "t7"."_m_deals" AS "deals",
      "t7"."_m_amount_v" AS "amount_v"
    FROM (
      SELECT
        *
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
          COALESCE(CAST("t2"."amount" AS DOUBLE), 0.0) AS "_m_amount",
          CAST(1 AS DOUBLE) AS "_m_deals",
          COALESCE(CAST("t2"."amount" AS DOUBLE), 0.0) AS "_m_amount_v"
        FROM "deals" AS "t2"
        WHERE
          "t2"."status" = 'won' AND "t2"."amount" IS NOT NULL
      ) AS "t5"
      WHERE
        (
          (
            "t5"."closed_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."closed_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."closed_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."closed_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."closed_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t13"."_d_owner" AS "owner",
  COALESCE("t11"."amount", 0.0) / NULLIF(COALESCE("t11"."deals", 0.0), 0) AS "value",
  COALESCE("t11"."amount", 0.0) AS "numerator",
  COALESCE("t11"."deals", 0.0) AS "denominator",
  "t11"."amount_v" AS "median"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t10"."_a_d_owner" AS "_d_owner"
  FROM "t9" AS "t10"
) AS "t13"
LEFT OUTER JOIN "t9" AS "t11"
  ON "t3"."_pid" = "t11"."_apid"
  AND "t13"."_d_owner" IS NOT DISTINCT FROM "t11"."_a_d_owner";
