-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- open_deal_age_days · duckdb · monthly, company scope, no split
SELECT
  "t2"."_pid",
  COALESCE("t10"."age", 0.0) / NULLIF(COALESCE("t10"."deals", 0.0), 0) AS "value",
  COALESCE("t10"."age", 0.0) AS "numerator",
  COALESCE("t10"."deals", 0.0) AS "denominator",
  "t10"."age_v" AS "median"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."age") AS "age",
    SUM("t8"."deals") AS "deals",
    QUANTILE_CONT("t8"."age_v", 0.5) AS "age_v"
  FROM (
    SELECT
      "t3"."_pid",
      (
        CAST(EPOCH_US("t3"."_p_end") - EPOCH_US("t7"."created_at") AS DOUBLE) / 1000000.0
      ) / 86400.0 AS "age",
      "t7"."_m_deals" AS "deals",
      (
        CAST(EPOCH_US("t3"."_p_end") - EPOCH_US("t7"."created_at") AS DOUBLE) / 1000000.0
      ) / 86400.0 AS "age_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t1"."id",
            "t1"."external_id",
            "t1"."account_id",
            "t1"."lead_id",
            "t1"."owner_id",
            "t1"."title",
            "t1"."amount",
            "t1"."currency",
            "t1"."stage_id",
            "t1"."status",
            "t1"."kind",
            "t1"."created_at",
            "t1"."expected_close_at",
            "t1"."closed_at",
            "t1"."lost_reason",
            "t1"."campaign_id",
            "t1"."search_text",
            "t1"."product",
            CAST(1 AS DOUBLE) AS "_m_deals"
          FROM "deals" AS "t1"
        ) AS "t4"
        WHERE
          "t4"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
      ) AS "t5"
      WHERE
        (
          "t5"."closed_at" IS NULL
        )
        OR (
          "t5"."closed_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
        )
    ) AS "t7"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t7"."created_at" < "t3"."_p_end"
      AND COALESCE("t7"."closed_at", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) >= "t3"."_p_end"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t2"."_pid" = "t10"."_apid";

-- open_deal_age_days · duckdb · monthly, company scope, by owner
WITH "t9" AS (
  SELECT
    "t8"."_pid" AS "_apid",
    "t8"."_d_owner" AS "_a_d_owner",
    SUM("t8"."age") AS "age",
    SUM("t8"."deals") AS "deals",
    QUANTILE_CONT("t8"."age_v", 0.5) AS "age_v"
  FROM (
    SELECT
      "t3"."_pid",
      "t7"."_d_owner",
      (
        CAST(EPOCH_US("t3"."_p_end") - EPOCH_US("t7"."created_at") AS DOUBLE) / 1000000.0
      ) / 86400.0 AS "age",
      "t7"."_m_deals" AS "deals",
      (
        CAST(EPOCH_US("t3"."_p_end") - EPOCH_US("t7"."created_at") AS DOUBLE) / 1000000.0
      ) / 86400.0 AS "age_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t1"."id",
            "t1"."external_id",
            "t1"."account_id",
            "t1"."lead_id",
            "t1"."owner_id",
            "t1"."title",
            "t1"."amount",
            "t1"."currency",
            "t1"."stage_id",
            "t1"."status",
            "t1"."kind",
            "t1"."created_at",
            "t1"."expected_close_at",
            "t1"."closed_at",
            "t1"."lost_reason",
            "t1"."campaign_id",
            "t1"."search_text",
            "t1"."product",
            "t1"."owner_id" AS "_owner",
            "t1"."owner_id" AS "_d_owner",
            CAST(1 AS DOUBLE) AS "_m_deals"
          FROM "deals" AS "t1"
        ) AS "t4"
        WHERE
          "t4"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
      ) AS "t5"
      WHERE
        (
          "t5"."closed_at" IS NULL
        )
        OR (
          "t5"."closed_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
        )
    ) AS "t7"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t7"."created_at" < "t3"."_p_end"
      AND COALESCE("t7"."closed_at", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) >= "t3"."_p_end"
  ) AS "t8"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t13"."_d_owner" AS "owner",
  COALESCE("t11"."age", 0.0) / NULLIF(COALESCE("t11"."deals", 0.0), 0) AS "value",
  COALESCE("t11"."age", 0.0) AS "numerator",
  COALESCE("t11"."deals", 0.0) AS "denominator",
  "t11"."age_v" AS "median"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t10"."_a_d_owner" AS "_d_owner"
  FROM "t9" AS "t10"
) AS "t13"
LEFT OUTER JOIN "t9" AS "t11"
  ON "t2"."_pid" = "t11"."_apid"
  AND "t13"."_d_owner" IS NOT DISTINCT FROM "t11"."_a_d_owner";
