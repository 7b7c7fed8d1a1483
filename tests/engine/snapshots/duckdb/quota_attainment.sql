-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- quota_attainment · duckdb · monthly, company scope, no split
SELECT
  "t4"."_pid",
  COALESCE("t16"."revenue", 0.0) / NULLIF(COALESCE("t16"."quota", 0.0), 0) AS "value",
  COALESCE("t16"."revenue", 0.0) AS "numerator",
  COALESCE("t16"."quota", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t14"."_pid" AS "_apid",
    SUM("t14"."revenue") AS "revenue",
    SUM("t14"."quota") AS "quota"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t6"."_pid",
        "t11"."_m_revenue" AS "revenue",
        CAST(NULL AS DOUBLE) AS "quota"
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
            COALESCE(CAST("t3"."amount" AS DOUBLE), 0.0) AS "_m_revenue"
          FROM "deals" AS "t3"
          WHERE
            "t3"."status" = 'won'
        ) AS "t8"
        WHERE
          (
            (
              "t8"."closed_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t8"."closed_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t8"."closed_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t8"."closed_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t11"
      INNER JOIN "pulso_period_slots" AS "t6"
        ON CAST(FLOOR((
          EPOCH_US("t11"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t6"."_slot"
    ) AS "t13"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t9"."_pid",
        CAST(NULL AS DOUBLE) AS "revenue",
        COALESCE(CAST("t9"."amount" AS DOUBLE), 0.0) * (
          CAST(LEAST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t9"."period_end") + 1, "t9"."_e_end") - GREATEST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t9"."period_start"), "t9"."_e_start") AS DOUBLE) / CAST((
            DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t9"."period_end") - DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t9"."period_start")
          ) + 1 AS DOUBLE)
        ) AS "quota"
      FROM (
        SELECT
          "t7"."id",
          "t7"."external_id",
          "t7"."owner_id",
          "t7"."team_id",
          "t7"."period_start",
          "t7"."period_end",
          "t7"."amount",
          "t7"."currency",
          "t5"."_pid",
          "t5"."_p_start",
          "t5"."_p_end",
          "t5"."_s_start",
          "t5"."_s_end",
          "t5"."_e_start",
          "t5"."_e_end",
          "t5"."_days",
          "t5"."_years"
        FROM "quotas" AS "t7"
        INNER JOIN "pulso_periods" AS "t5"
          ON DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t7"."period_start") < "t5"."_e_end"
          AND DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t7"."period_end") >= "t5"."_e_start"
      ) AS "t9"
    ) AS "t12"
  ) AS "t14"
  GROUP BY
    1
) AS "t16"
  ON "t4"."_pid" = "t16"."_apid";

-- quota_attainment · duckdb · monthly, company scope, by owner
WITH "t16" AS (
  SELECT
    "t15"."_pid" AS "_apid",
    "t15"."_d_owner" AS "_a_d_owner",
    SUM("t15"."revenue") AS "revenue",
    SUM("t15"."quota") AS "quota"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t6"."_pid",
        "t12"."_d_owner",
        "t12"."_m_revenue" AS "revenue",
        CAST(NULL AS DOUBLE) AS "quota"
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
        ) AS "t9"
        WHERE
          (
            (
              "t9"."closed_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t9"."closed_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t9"."closed_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t9"."closed_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t12"
      INNER JOIN "pulso_period_slots" AS "t6"
        ON CAST(FLOOR((
          EPOCH_US("t12"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t6"."_slot"
    ) AS "t13"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t10"."_pid",
        "t10"."_d_owner",
        CAST(NULL AS DOUBLE) AS "revenue",
        COALESCE(CAST("t10"."amount" AS DOUBLE), 0.0) * (
          CAST(LEAST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t10"."period_end") + 1, "t10"."_e_end") - GREATEST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t10"."period_start"), "t10"."_e_start") AS DOUBLE) / CAST((
            DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t10"."period_end") - DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t10"."period_start")
          ) + 1 AS DOUBLE)
        ) AS "quota"
      FROM (
        SELECT
          "t8"."id",
          "t8"."external_id",
          "t8"."owner_id",
          "t8"."team_id",
          "t8"."period_start",
          "t8"."period_end",
          "t8"."amount",
          "t8"."currency",
          "t8"."_owner",
          "t8"."_d_owner",
          "t5"."_pid",
          "t5"."_p_start",
          "t5"."_p_end",
          "t5"."_s_start",
          "t5"."_s_end",
          "t5"."_e_start",
          "t5"."_e_end",
          "t5"."_days",
          "t5"."_years"
        FROM (
          SELECT
            "t3"."id",
            "t3"."external_id",
            "t3"."owner_id",
            "t3"."team_id",
            "t3"."period_start",
            "t3"."period_end",
            "t3"."amount",
            "t3"."currency",
            "t3"."owner_id" AS "_owner",
            "t3"."owner_id" AS "_d_owner"
          FROM "quotas" AS "t3"
        ) AS "t8"
        INNER JOIN "pulso_periods" AS "t5"
          ON DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t8"."period_start") < "t5"."_e_end"
          AND DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t8"."period_end") >= "t5"."_e_start"
      ) AS "t10"
    ) AS "t14"
  ) AS "t15"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t20"."_d_owner" AS "owner",
  COALESCE("t18"."revenue", 0.0) / NULLIF(COALESCE("t18"."quota", 0.0), 0) AS "value",
  COALESCE("t18"."revenue", 0.0) AS "numerator",
  COALESCE("t18"."quota", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t17"."_a_d_owner" AS "_d_owner"
  FROM "t16" AS "t17"
) AS "t20"
LEFT OUTER JOIN "t16" AS "t18"
  ON "t4"."_pid" = "t18"."_apid"
  AND "t20"."_d_owner" IS NOT DISTINCT FROM "t18"."_a_d_owner";
