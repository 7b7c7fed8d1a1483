-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- quota_attainment · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t13"."revenue", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."quota", 0.0), 0) AS "value",
  COALESCE("t13"."revenue", 0.0) AS "numerator",
  COALESCE("t13"."quota", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t11"."_pid" AS "_apid",
    SUM("t11"."revenue") AS "revenue",
    SUM("t11"."quota") AS "quota"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t7"."_m_revenue" AS "revenue",
        CAST(NULL AS DOUBLE PRECISION) AS "quota"
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
          COALESCE(CAST("t1"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_revenue"
        FROM "deals" AS "t1"
        WHERE
          "t1"."status" = 'won'
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t7"."closed_at" >= "t4"."_p_start" AND "t7"."closed_at" < "t4"."_p_end"
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t8"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "revenue",
        COALESCE(CAST("t8"."amount" AS DOUBLE PRECISION), 0.0) * (
          CAST(LEAST(
            CAST(EXTRACT(epoch FROM CAST("t8"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) + 1,
            "t8"."_e_end"
          ) - GREATEST(
            CAST(EXTRACT(epoch FROM CAST("t8"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT),
            "t8"."_e_start"
          ) AS DOUBLE PRECISION) / CAST((
            CAST(EXTRACT(epoch FROM CAST("t8"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) - CAST(EXTRACT(epoch FROM CAST("t8"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT)
          ) + 1 AS DOUBLE PRECISION)
        ) AS "quota"
      FROM (
        SELECT
          "t5"."id",
          "t5"."external_id",
          "t5"."owner_id",
          "t5"."team_id",
          "t5"."period_start",
          "t5"."period_end",
          "t5"."amount",
          "t5"."currency",
          "t4"."_pid",
          "t4"."_p_start",
          "t4"."_p_end",
          "t4"."_s_start",
          "t4"."_s_end",
          "t4"."_e_start",
          "t4"."_e_end",
          "t4"."_days",
          "t4"."_years"
        FROM "quotas" AS "t5"
        INNER JOIN "pulso_periods" AS "t4"
          ON CAST(EXTRACT(epoch FROM CAST("t5"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) < "t4"."_e_end"
          AND CAST(EXTRACT(epoch FROM CAST("t5"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) >= "t4"."_e_start"
      ) AS "t8"
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1
) AS "t13"
  ON "t3"."_pid" = "t13"."_apid";

-- quota_attainment · postgres · monthly, company scope, by owner
WITH "t13" AS (
  SELECT
    "t12"."_pid" AS "_apid",
    "t12"."_d_owner" AS "_a_d_owner",
    SUM("t12"."revenue") AS "revenue",
    SUM("t12"."quota") AS "quota"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t8"."_d_owner",
        "t8"."_m_revenue" AS "revenue",
        CAST(NULL AS DOUBLE PRECISION) AS "quota"
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
          COALESCE(CAST("t1"."amount" AS DOUBLE PRECISION), 0.0) AS "_m_revenue"
        FROM "deals" AS "t1"
        WHERE
          "t1"."status" = 'won'
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t8"."closed_at" >= "t4"."_p_start" AND "t8"."closed_at" < "t4"."_p_end"
    ) AS "t10"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t9"."_pid",
        "t9"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "revenue",
        COALESCE(CAST("t9"."amount" AS DOUBLE PRECISION), 0.0) * (
          CAST(LEAST(
            CAST(EXTRACT(epoch FROM CAST("t9"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) + 1,
            "t9"."_e_end"
          ) - GREATEST(
            CAST(EXTRACT(epoch FROM CAST("t9"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT),
            "t9"."_e_start"
          ) AS DOUBLE PRECISION) / CAST((
            CAST(EXTRACT(epoch FROM CAST("t9"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) - CAST(EXTRACT(epoch FROM CAST("t9"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT)
          ) + 1 AS DOUBLE PRECISION)
        ) AS "quota"
      FROM (
        SELECT
          "t6"."id",
          "t6"."external_id",
          "t6"."owner_id",
          "t6"."team_id",
          "t6"."period_start",
          "t6"."period_end",
          "t6"."amount",
          "t6"."currency",
          "t6"."_owner",
          "t6"."_d_owner",
          "t4"."_pid",
          "t4"."_p_start",
          "t4"."_p_end",
          "t4"."_s_start",
          "t4"."_s_end",
          "t4"."_e_start",
          "t4"."_e_end",
          "t4"."_days",
          "t4"."_years"
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."owner_id",
            "t2"."team_id",
            "t2"."period_start",
            "t2"."period_end",
            "t2"."amount",
            "t2"."currency",
            "t2"."owner_id" AS "_owner",
            "t2"."owner_id" AS "_d_owner"
          FROM "quotas" AS "t2"
        ) AS "t6"
        INNER JOIN "pulso_periods" AS "t4"
          ON CAST(EXTRACT(epoch FROM CAST("t6"."period_start" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) < "t4"."_e_end"
          AND CAST(EXTRACT(epoch FROM CAST("t6"."period_end" AS TIMESTAMP) - CAST(MAKE_DATE(CAST(1970 AS INT), CAST(1 AS INT), CAST(1 AS INT)) AS TIMESTAMP)) / 86400 AS BIGINT) >= "t4"."_e_start"
      ) AS "t9"
    ) AS "t11"
  ) AS "t12"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t17"."_d_owner" AS "owner",
  CAST(COALESCE("t15"."revenue", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t15"."quota", 0.0), 0) AS "value",
  COALESCE("t15"."revenue", 0.0) AS "numerator",
  COALESCE("t15"."quota", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t14"."_a_d_owner" AS "_d_owner"
  FROM "t13" AS "t14"
) AS "t17"
LEFT OUTER JOIN "t13" AS "t15"
  ON "t3"."_pid" = "t15"."_apid"
  AND "t17"."_d_owner" IS NOT DISTINCT FROM "t15"."_a_d_owner";
