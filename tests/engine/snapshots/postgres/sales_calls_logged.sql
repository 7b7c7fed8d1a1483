-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- sales_calls_logged · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  COALESCE("t8"."calls", 0.0) AS "value",
  COALESCE("t8"."calls", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."calls") AS "calls"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_calls" AS "calls"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."type",
        "t1"."direction",
        "t1"."owner_id",
        "t1"."account_id",
        "t1"."lead_id",
        "t1"."deal_id",
        "t1"."ticket_id",
        "t1"."occurred_at",
        "t1"."duration_s",
        "t1"."automated",
        "t1"."outcome",
        "t1"."due_at",
        "t1"."done_at",
        CAST(1 AS DOUBLE PRECISION) AS "_m_calls"
      FROM "activities" AS "t1"
      WHERE
        "t1"."type" = 'call'
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."occurred_at" >= "t3"."_p_start" AND "t5"."occurred_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- sales_calls_logged · postgres · monthly, company scope, by owner
WITH "t7" AS (
  SELECT
    "t6"."_pid" AS "_apid",
    "t6"."_d_owner" AS "_a_d_owner",
    SUM("t6"."calls") AS "calls"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_d_owner",
      "t5"."_m_calls" AS "calls"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."type",
        "t1"."direction",
        "t1"."owner_id",
        "t1"."account_id",
        "t1"."lead_id",
        "t1"."deal_id",
        "t1"."ticket_id",
        "t1"."occurred_at",
        "t1"."duration_s",
        "t1"."automated",
        "t1"."outcome",
        "t1"."due_at",
        "t1"."done_at",
        "t1"."owner_id" AS "_owner",
        "t1"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE PRECISION) AS "_m_calls"
      FROM "activities" AS "t1"
      WHERE
        "t1"."type" = 'call'
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."occurred_at" >= "t3"."_p_start" AND "t5"."occurred_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t11"."_d_owner" AS "owner",
  COALESCE("t9"."calls", 0.0) AS "value",
  COALESCE("t9"."calls", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t8"."_a_d_owner" AS "_d_owner"
  FROM "t7" AS "t8"
) AS "t11"
LEFT OUTER JOIN "t7" AS "t9"
  ON "t2"."_pid" = "t9"."_apid"
  AND "t11"."_d_owner" IS NOT DISTINCT FROM "t9"."_a_d_owner";
