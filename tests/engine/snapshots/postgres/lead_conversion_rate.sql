-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- lead_conversion_rate · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t8"."reached", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."leads", 0.0), 0) AS "value",
  COALESCE("t8"."reached", 0.0) AS "numerator",
  COALESCE("t8"."leads", 0.0) AS "denominator"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."reached") AS "reached",
    SUM("t6"."leads") AS "leads"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_reached" AS "reached",
      "t5"."_m_leads" AS "leads"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."name",
        "t1"."email",
        "t1"."phone",
        "t1"."company",
        "t1"."source",
        "t1"."campaign_id",
        "t1"."visitor_id",
        "t1"."owner_id",
        "t1"."created_at",
        "t1"."mql_at",
        "t1"."sql_at",
        "t1"."converted_at",
        "t1"."account_id",
        "t1"."disqualified_at",
        "t1"."disqualified_reason",
        "t1"."search_text",
        "t1"."search_phone",
        CAST(CASE WHEN COALESCE("t1"."converted_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_reached",
        CAST(1 AS DOUBLE PRECISION) AS "_m_leads"
      FROM "leads" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."created_at" >= "t3"."_p_start" AND "t5"."created_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- lead_conversion_rate · postgres · monthly, company scope, by owner
WITH "t7" AS (
  SELECT
    "t6"."_pid" AS "_apid",
    "t6"."_d_owner" AS "_a_d_owner",
    SUM("t6"."reached") AS "reached",
    SUM("t6"."leads") AS "leads"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_d_owner",
      "t5"."_m_reached" AS "reached",
      "t5"."_m_leads" AS "leads"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."name",
        "t1"."email",
        "t1"."phone",
        "t1"."company",
        "t1"."source",
        "t1"."campaign_id",
        "t1"."visitor_id",
        "t1"."owner_id",
        "t1"."created_at",
        "t1"."mql_at",
        "t1"."sql_at",
        "t1"."converted_at",
        "t1"."account_id",
        "t1"."disqualified_at",
        "t1"."disqualified_reason",
        "t1"."search_text",
        "t1"."search_phone",
        "t1"."owner_id" AS "_owner",
        "t1"."owner_id" AS "_d_owner",
        CAST(CASE WHEN COALESCE("t1"."converted_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_reached",
        CAST(1 AS DOUBLE PRECISION) AS "_m_leads"
      FROM "leads" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."created_at" >= "t3"."_p_start" AND "t5"."created_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t11"."_d_owner" AS "owner",
  CAST(COALESCE("t9"."reached", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t9"."leads", 0.0), 0) AS "value",
  COALESCE("t9"."reached", 0.0) AS "numerator",
  COALESCE("t9"."leads", 0.0) AS "denominator"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t8"."_a_d_owner" AS "_d_owner"
  FROM "t7" AS "t8"
) AS "t11"
LEFT OUTER JOIN "t7" AS "t9"
  ON "t2"."_pid" = "t9"."_apid"
  AND "t11"."_d_owner" IS NOT DISTINCT FROM "t9"."_a_d_owner";
