-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- new_customers · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  COALESCE("t8"."customers", 0.0) AS "value",
  COALESCE("t8"."customers", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."customers") AS "customers"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_customers" AS "customers"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."name",
        "t1"."email",
        "t1"."phone",
        "t1"."company",
        "t1"."country",
        "t1"."segment",
        "t1"."source",
        "t1"."owner_id",
        "t1"."created_at",
        "t1"."acquired_at",
        "t1"."churned_at",
        "t1"."churn_reason",
        "t1"."search_text",
        "t1"."search_phone",
        CAST(1 AS DOUBLE PRECISION) AS "_m_customers"
      FROM "accounts" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."acquired_at" >= "t3"."_p_start" AND "t5"."acquired_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- new_customers · postgres · monthly, company scope, by owner
WITH "t7" AS (
  SELECT
    "t6"."_pid" AS "_apid",
    "t6"."_d_owner" AS "_a_d_owner",
    SUM("t6"."customers") AS "customers"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_d_owner",
      "t5"."_m_customers" AS "customers"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."name",
        "t1"."email",
        "t1"."phone",
        "t1"."company",
        "t1"."country",
        "t1"."segment",
        "t1"."source",
        "t1"."owner_id",
        "t1"."created_at",
        "t1"."acquired_at",
        "t1"."churned_at",
        "t1"."churn_reason",
        "t1"."search_text",
        "t1"."search_phone",
        "t1"."owner_id" AS "_owner",
        "t1"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE PRECISION) AS "_m_customers"
      FROM "accounts" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."acquired_at" >= "t3"."_p_start" AND "t5"."acquired_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t11"."_d_owner" AS "owner",
  COALESCE("t9"."customers", 0.0) AS "value",
  COALESCE("t9"."customers", 0.0) AS "numerator",
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
