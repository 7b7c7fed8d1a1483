-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- customer_retention_rate · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t16"."retained", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t16"."at_start", 0.0), 0) AS "value",
  COALESCE("t16"."retained", 0.0) AS "numerator",
  COALESCE("t16"."at_start", 0.0) AS "denominator",
  COALESCE("t16"."at_end", 0.0) AS "customers_at_end",
  COALESCE("t16"."new", 0.0) AS "new_customers"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t14"."_pid" AS "_apid",
    SUM("t14"."retained") AS "retained",
    SUM("t14"."at_end") AS "at_end",
    SUM("t14"."new") AS "new",
    SUM("t14"."at_start") AS "at_start"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "retained",
        CAST(NULL AS DOUBLE PRECISION) AS "at_end",
        CAST(NULL AS DOUBLE PRECISION) AS "new",
        "t7"."_m_at_start" AS "at_start"
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
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t7"."acquired_at" < "t3"."_p_start"
        AND COALESCE("t7"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t3"."_p_start"
    ) AS "t11"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t3"."_pid",
          "t8"."_m_retained" AS "retained",
          "t8"."_m_at_end" AS "at_end",
          CAST(NULL AS DOUBLE PRECISION) AS "new",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start"
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
            CAST(1 AS DOUBLE PRECISION) AS "_m_retained",
            CAST(1 AS DOUBLE PRECISION) AS "_m_at_end"
          FROM "accounts" AS "t1"
        ) AS "t8"
        INNER JOIN "pulso_periods" AS "t3"
          ON "t8"."acquired_at" < "t3"."_p_end"
          AND COALESCE("t8"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t3"."_p_end"
      ) AS "t12"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t3"."_pid",
          "t9"."_m_retained" AS "retained",
          CAST(NULL AS DOUBLE PRECISION) AS "at_end",
          "t9"."_m_new" AS "new",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start"
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
            CAST(-1 AS DOUBLE PRECISION) AS "_m_retained",
            CAST(1 AS DOUBLE PRECISION) AS "_m_new"
          FROM "accounts" AS "t1"
        ) AS "t9"
        INNER JOIN "pulso_periods" AS "t3"
          ON "t9"."acquired_at" >= "t3"."_p_start" AND "t9"."acquired_at" < "t3"."_p_end"
      ) AS "t10"
    ) AS "t13"
  ) AS "t14"
  GROUP BY
    1
) AS "t16"
  ON "t2"."_pid" = "t16"."_apid";

-- customer_retention_rate · postgres · monthly, company scope, by owner
WITH "t15" AS (
  SELECT
    "t14"."_pid" AS "_apid",
    "t14"."_d_owner" AS "_a_d_owner",
    SUM("t14"."retained") AS "retained",
    SUM("t14"."at_end") AS "at_end",
    SUM("t14"."new") AS "new",
    SUM("t14"."at_start") AS "at_start"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t7"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "retained",
        CAST(NULL AS DOUBLE PRECISION) AS "at_end",
        CAST(NULL AS DOUBLE PRECISION) AS "new",
        "t7"."_m_at_start" AS "at_start"
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
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t7"."acquired_at" < "t3"."_p_start"
        AND COALESCE("t7"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t3"."_p_start"
    ) AS "t11"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t3"."_pid",
          "t8"."_d_owner",
          "t8"."_m_retained" AS "retained",
          "t8"."_m_at_end" AS "at_end",
          CAST(NULL AS DOUBLE PRECISION) AS "new",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start"
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
            CAST(1 AS DOUBLE PRECISION) AS "_m_retained",
            CAST(1 AS DOUBLE PRECISION) AS "_m_at_end"
          FROM "accounts" AS "t1"
        ) AS "t8"
        INNER JOIN "pulso_periods" AS "t3"
          ON "t8"."acquired_at" < "t3"."_p_end"
          AND COALESCE("t8"."churned_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t3"."_p_end"
      ) AS "t12"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t3"."_pid",
          "t9"."_d_owner",
          "t9"."_m_retained" AS "retained",
          CAST(NULL AS DOUBLE PRECISION) AS "at_end",
          "t9"."_m_new" AS "new",
          CAST(NULL AS DOUBLE PRECISION) AS "at_start"
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
            CAST(-1 AS DOUBLE PRECISION) AS "_m_retained",
            CAST(1 AS DOUBLE PRECISION) AS "_m_new"
          FROM "accounts" AS "t1"
        ) AS "t9"
        INNER JOIN "pulso_periods" AS "t3"
          ON "t9"."acquired_at" >= "t3"."_p_start" AND "t9"."acquired_at" < "t3"."_p_end"
      ) AS "t10"
    ) AS "t13"
  ) AS "t14"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t19"."_d_owner" AS "owner",
  CAST(COALESCE("t17"."retained", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t17"."at_start", 0.0), 0) AS "value",
  COALESCE("t17"."retained", 0.0) AS "numerator",
  COALESCE("t17"."at_start", 0.0) AS "denominator",
  COALESCE("t17"."at_end", 0.0) AS "customers_at_end",
  COALESCE("t17"."new", 0.0) AS "new_customers"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t16"."_a_d_owner" AS "_d_owner"
  FROM "t15" AS "t16"
) AS "t19"
LEFT OUTER JOIN "t15" AS "t17"
  ON "t2"."_pid" = "t17"."_apid"
  AND "t19"."_d_owner" IS NOT DISTINCT FROM "t17"."_a_d_owner";
