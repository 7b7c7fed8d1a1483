-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- first_response_time_hours · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t8"."hours", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."answered", 0.0), 0) AS "value",
  COALESCE("t8"."hours", 0.0) AS "numerator",
  COALESCE("t8"."answered", 0.0) AS "denominator",
  "t8"."hours_v" AS "median",
  COALESCE("t8"."unanswered", 0.0) AS "unanswered"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."hours") AS "hours",
    SUM("t6"."answered") AS "answered",
    SUM("t6"."unanswered") AS "unanswered",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t6"."hours_v") AS "hours_v"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_hours" AS "hours",
      "t5"."_m_answered" AS "answered",
      "t5"."_m_unanswered" AS "unanswered",
      "t5"."_m_hours_v" AS "hours_v"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."account_id",
        "t1"."owner_id",
        "t1"."channel",
        "t1"."priority",
        "t1"."status",
        "t1"."opened_at",
        "t1"."first_response_at",
        "t1"."first_response_automated",
        "t1"."resolved_at",
        COALESCE(
          CAST(EXTRACT('epoch' FROM "t1"."first_response_at") - EXTRACT('epoch' FROM "t1"."opened_at") AS DOUBLE PRECISION) / 3600.0,
          0.0
        ) AS "_m_hours",
        CAST(CASE WHEN COALESCE("t1"."first_response_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_answered",
        CAST(CASE WHEN COALESCE("t1"."first_response_at" IS NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_unanswered",
        CAST(EXTRACT('epoch' FROM "t1"."first_response_at") - EXTRACT('epoch' FROM "t1"."opened_at") AS DOUBLE PRECISION) / 3600.0 AS "_m_hours_v"
      FROM "tickets" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."opened_at" >= "t3"."_p_start" AND "t5"."opened_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- first_response_time_hours · postgres · monthly, company scope, by owner
WITH "t7" AS (
  SELECT
    "t6"."_pid" AS "_apid",
    "t6"."_d_owner" AS "_a_d_owner",
    SUM("t6"."hours") AS "hours",
    SUM("t6"."answered") AS "answered",
    SUM("t6"."unanswered") AS "unanswered",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t6"."hours_v") AS "hours_v"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_d_owner",
      "t5"."_m_hours" AS "hours",
      "t5"."_m_answered" AS "answered",
      "t5"."_m_unanswered" AS "unanswered",
      "t5"."_m_hours_v" AS "hours_v"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."account_id",
        "t1"."owner_id",
        "t1"."channel",
        "t1"."priority",
        "t1"."status",
        "t1"."opened_at",
        "t1"."first_response_at",
        "t1"."first_response_automated",
        "t1"."resolved_at",
        "t1"."owner_id" AS "_owner",
        "t1"."owner_id" AS "_d_owner",
        COALESCE(
          CAST(EXTRACT('epoch' FROM "t1"."first_response_at") - EXTRACT('epoch' FROM "t1"."opened_at") AS DOUBLE PRECISION) / 3600.0,
          0.0
        ) AS "_m_hours",
        CAST(CASE WHEN COALESCE("t1"."first_response_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_answered",
        CAST(CASE WHEN COALESCE("t1"."first_response_at" IS NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_unanswered",
        CAST(EXTRACT('epoch' FROM "t1"."first_response_at") - EXTRACT('epoch' FROM "t1"."opened_at") AS DOUBLE PRECISION) / 3600.0 AS "_m_hours_v"
      FROM "tickets" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."opened_at" >= "t3"."_p_start" AND "t5"."opened_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t11"."_d_owner" AS "owner",
  CAST(COALESCE("t9"."hours", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t9"."answered", 0.0), 0) AS "value",
  COALESCE("t9"."hours", 0.0) AS "numerator",
  COALESCE("t9"."answered", 0.0) AS "denominator",
  "t9"."hours_v" AS "median",
  COALESCE("t9"."unanswered", 0.0) AS "unanswered"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t8"."_a_d_owner" AS "_d_owner"
  FROM "t7" AS "t8"
) AS "t11"
LEFT OUTER JOIN "t7" AS "t9"
  ON "t2"."_pid" = "t9"."_apid"
  AND "t11"."_d_owner" IS NOT DISTINCT FROM "t9"."_a_d_owner";
