-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- customer_lifetime_months · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST((
    COALESCE("t12"."at_start", 0.0) * "t2"."_years" * 12.0
  ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."churned", 0.0), 0) AS "value",
  COALESCE("t12"."at_start", 0.0) * "t2"."_years" * 12.0 AS "numerator",
  COALESCE("t12"."churned", 0.0) AS "denominator",
  CAST(COALESCE("t12"."tenure_months", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."churned", 0.0), 0) AS "observed_tenure_months"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t10"."_pid" AS "_apid",
    SUM("t10"."at_start") AS "at_start",
    SUM("t10"."churned") AS "churned",
    SUM("t10"."tenure_months") AS "tenure_months"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t5"."_m_at_start" AS "at_start",
        CAST(NULL AS DOUBLE PRECISION) AS "churned",
        CAST(NULL AS DOUBLE PRECISION) AS "tenure_months"
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
          CAST(1 AS DOUBLE PRECISION) AS "_m_at_start"
        FROM "accounts" AS "t1"
      ) AS "t5"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t5"."acquired_at" < "t3"."_p_start"
        AND COALESCE("t5"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t3"."_p_start"
    ) AS "t7"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "at_start",
        "t8"."_m_churned" AS "churned",
        "t8"."_m_tenure_months" AS "tenure_months"
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
          CAST(1 AS DOUBLE PRECISION) AS "_m_churned",
          CAST(COALESCE(
            CAST(EXTRACT('epoch' FROM "t1"."churned_at") - EXTRACT('epoch' FROM "t1"."acquired_at") AS DOUBLE PRECISION) / 86400.0,
            0.0
          ) AS DOUBLE PRECISION) / 30.4375 AS "_m_tenure_months"
        FROM "accounts" AS "t1"
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t8"."churned_at" >= "t3"."_p_start" AND "t8"."churned_at" < "t3"."_p_end"
    ) AS "t9"
  ) AS "t10"
  GROUP BY
    1
) AS "t12"
  ON "t2"."_pid" = "t12"."_apid";

-- customer_lifetime_months · postgres · monthly, company scope, by owner
WITH "t11" AS (
  SELECT
    "t10"."_pid" AS "_apid",
    "t10"."_d_owner" AS "_a_d_owner",
    SUM("t10"."at_start") AS "at_start",
    SUM("t10"."churned") AS "churned",
    SUM("t10"."tenure_months") AS "tenure_months"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t5"."_d_owner",
        "t5"."_m_at_start" AS "at_start",
        CAST(NULL AS DOUBLE PRECISION) AS "churned",
        CAST(NULL AS DOUBLE PRECISION) AS "tenure_months"
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
          CAST(1 AS DOUBLE PRECISION) AS "_m_at_start"
        FROM "accounts" AS "t1"
      ) AS "t5"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t5"."acquired_at" < "t3"."_p_start"
        AND COALESCE("t5"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t3"."_p_start"
    ) AS "t7"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t8"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "at_start",
        "t8"."_m_churned" AS "churned",
        "t8"."_m_tenure_months" AS "tenure_months"
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
          CAST(1 AS DOUBLE PRECISION) AS "_m_churned",
          CAST(COALESCE(
            CAST(EXTRACT('epoch' FROM "t1"."churned_at") - EXTRACT('epoch' FROM "t1"."acquired_at") AS DOUBLE PRECISION) / 86400.0,
            0.0
          ) AS DOUBLE PRECISION) / 30.4375 AS "_m_tenure_months"
        FROM "accounts" AS "t1"
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t8"."churned_at" >= "t3"."_p_start" AND "t8"."churned_at" < "t3"."_p_end"
    ) AS "t9"
  ) AS "t10"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t15"."_d_owner" AS "owner",
  CAST((
    COALESCE("t13"."at_start", 0.0) * "t2"."_years" * 12.0
  ) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."churned", 0.0), 0) AS "value",
  COALESCE("t13"."at_start", 0.0) * "t2"."_years" * 12.0 AS "numerator",
  COALESCE("t13"."churned", 0.0) AS "denominator",
  CAST(COALESCE("t13"."tenure_months", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."churned", 0.0), 0) AS "observed_tenure_months"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t12"."_a_d_owner" AS "_d_owner"
  FROM "t11" AS "t12"
) AS "t15"
LEFT OUTER JOIN "t11" AS "t13"
  ON "t2"."_pid" = "t13"."_apid"
  AND "t15"."_d_owner" IS NOT DISTINCT FROM "t13"."_a_d_owner";
