-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- revenue_won · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."revenue", 0.0) AS "value",
  COALESCE("t10"."revenue", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."revenue") AS "revenue"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_m_revenue" AS "revenue"
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
          COALESCE(CAST("t2"."amount" AS DOUBLE), 0.0) AS "_m_revenue"
        FROM "deals" AS "t2"
        WHERE
          "t2"."status" = 'won'
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

-- revenue_won · duckdb · monthly, company scope, by owner
WITH "t9" AS (
  SELECT
    "t8"."_pid" AS "_apid",
    "t8"."_d_owner" AS "_a_d_owner",
    SUM("t8"."revenue") AS "revenue"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_d_owner",
      "t7"."_m_revenue" AS "revenue"
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
          COALESCE(CAST("t2"."amount" AS DOUBLE), 0.0) AS "_m_revenue"
        FROM "deals" AS "t2"
        WHERE
          "t2"."status" = 'won'
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
  COALESCE("t11"."revenue", 0.0) AS "value",
  COALESCE("t11"."revenue", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t10"."_a_d_owner" AS "_d_owner"
  FROM "t9" AS "t10"
) AS "t13"
LEFT OUTER JOIN "t9" AS "t11"
  ON "t3"."_pid" = "t11"."_apid"
  AND "t13"."_d_owner" IS NOT DISTINCT FROM "t11"."_a_d_owner";
