-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- duplicate_rate · postgres · monthly, company scope, no split
SELECT
  "t4"."_pid",
  CAST(COALESCE("t26"."flagged", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t26"."records", 0.0), 0) AS "value",
  COALESCE("t26"."flagged", 0.0) AS "numerator",
  COALESCE("t26"."records", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t24"."_pid" AS "_apid",
    SUM("t24"."flagged") AS "flagged",
    SUM("t24"."records") AS "records"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t20"."_m_flagged" AS "flagged",
        "t20"."_m_records" AS "records"
      FROM (
        SELECT
          "t16"."id",
          "t16"."external_id",
          "t16"."name",
          "t16"."email",
          "t16"."phone",
          "t16"."company",
          "t16"."country",
          "t16"."segment",
          "t16"."source",
          "t16"."owner_id",
          "t16"."created_at",
          "t16"."acquired_at",
          "t16"."churned_at",
          "t16"."churn_reason",
          "t16"."search_text",
          "t16"."search_phone",
          "t16"."_duplicate",
          CAST("t16"."_duplicate" AS DOUBLE PRECISION) AS "_m_flagged",
          CAST(1 AS DOUBLE PRECISION) AS "_m_records"
        FROM (
          SELECT
            "t14"."id",
            "t14"."external_id",
            "t14"."name",
            "t14"."email",
            "t14"."phone",
            "t14"."company",
            "t14"."country",
            "t14"."segment",
            "t14"."source",
            "t14"."owner_id",
            "t14"."created_at",
            "t14"."acquired_at",
            "t14"."churned_at",
            "t14"."churn_reason",
            "t14"."search_text",
            "t14"."search_phone",
            "t14"."_duplicate"
          FROM (
            SELECT
              "t12"."id",
              "t12"."external_id",
              "t12"."name",
              "t12"."email",
              "t12"."phone",
              "t12"."company",
              "t12"."country",
              "t12"."segment",
              "t12"."source",
              "t12"."owner_id",
              "t12"."created_at",
              "t12"."acquired_at",
              "t12"."churned_at",
              "t12"."churn_reason",
              "t12"."search_text",
              "t12"."search_phone",
              "t12"."_rid",
              CASE WHEN COALESCE("t12"."_rid" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS "_duplicate"
            FROM (
              SELECT
                "t6"."id",
                "t6"."external_id",
                "t6"."name",
                "t6"."email",
                "t6"."phone",
                "t6"."company",
                "t6"."country",
                "t6"."segment",
                "t6"."source",
                "t6"."owner_id",
                "t6"."created_at",
                "t6"."acquired_at",
                "t6"."churned_at",
                "t6"."churn_reason",
                "t6"."search_text",
                "t6"."search_phone",
                "t10"."_rid"
              FROM "accounts" AS "t6"
              LEFT OUTER JOIN (
                SELECT DISTINCT
                  "t3"."record_id" AS "_rid"
                FROM "duplicate_candidates" AS "t3"
                WHERE
                  "t3"."table_name" = 'accounts' AND "t3"."status" IN ('pending', 'confirmed')
              ) AS "t10"
                ON "t6"."id" = "t10"."_rid"
            ) AS "t12"
          ) AS "t14"
        ) AS "t16"
      ) AS "t20"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t20"."created_at" < "t5"."_p_end"
    ) AS "t22"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t21"."_m_flagged" AS "flagged",
        "t21"."_m_records" AS "records"
      FROM (
        SELECT
          "t17"."id",
          "t17"."external_id",
          "t17"."name",
          "t17"."email",
          "t17"."phone",
          "t17"."company",
          "t17"."source",
          "t17"."campaign_id",
          "t17"."visitor_id",
          "t17"."owner_id",
          "t17"."created_at",
          "t17"."mql_at",
          "t17"."sql_at",
          "t17"."converted_at",
          "t17"."account_id",
          "t17"."disqualified_at",
          "t17"."disqualified_reason",
          "t17"."search_text",
          "t17"."search_phone",
          "t17"."_duplicate",
          CAST("t17"."_duplicate" AS DOUBLE PRECISION) AS "_m_flagged",
          CAST(1 AS DOUBLE PRECISION) AS "_m_records"
        FROM (
          SELECT
            "t15"."id",
            "t15"."external_id",
            "t15"."name",
            "t15"."email",
            "t15"."phone",
            "t15"."company",
            "t15"."source",
            "t15"."campaign_id",
            "t15"."visitor_id",
            "t15"."owner_id",
            "t15"."created_at",
            "t15"."mql_at",
            "t15"."sql_at",
            "t15"."converted_at",
            "t15"."account_id",
            "t15"."disqualified_at",
            "t15"."disqualified_reason",
            "t15"."search_text",
            "t15"."search_phone",
            "t15"."_duplicate"
          FROM (
            SELECT
              "t13"."id",
              "t13"."external_id",
              "t13"."name",
              "t13"."email",
              "t13"."phone",
              "t13"."company",
              "t13"."source",
              "t13"."campaign_id",
              "t13"."visitor_id",
              "t13"."owner_id",
              "t13"."created_at",
              "t13"."mql_at",
              "t13"."sql_at",
              "t13"."converted_at",
              "t13"."account_id",
              "t13"."disqualified_at",
              "t13"."disqualified_reason",
              "t13"."search_text",
              "t13"."search_phone",
              "t13"."_rid",
              CASE WHEN COALESCE("t13"."_rid" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS "_duplicate"
            FROM (
              SELECT
                "t7"."id",
                "t7"."external_id",
                "t7"."name",
                "t7"."email",
                "t7"."phone",
                "t7"."company",
                "t7"."source",
                "t7"."campaign_id",
                "t7"."visitor_id",
                "t7"."owner_id",
                "t7"."created_at",
                "t7"."mql_at",
                "t7"."sql_at",
                "t7"."converted_at",
                "t7"."account_id",
                "t7"."disqualified_at",
                "t7"."disqualified_reason",
                "t7"."search_text",
                "t7"."search_phone",
                "t11"."_rid"
              FROM "leads" AS "t7"
              LEFT OUTER JOIN (
                SELECT DISTINCT
                  "t3"."record_id" AS "_rid"
                FROM "duplicate_candidates" AS "t3"
                WHERE
                  "t3"."table_name" = 'leads' AND "t3"."status" IN ('pending', 'confirmed')
              ) AS "t11"
                ON "t7"."id" = "t11"."_rid"
            ) AS "t13"
          ) AS "t15"
        ) AS "t17"
      ) AS "t21"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t21"."created_at" < "t5"."_p_end"
    ) AS "t23"
  ) AS "t24"
  GROUP BY
    1
) AS "t26"
  ON "t4"."_pid" = "t26"."_apid";

-- duplicate_rate · postgres · monthly, company scope, by owner
WITH "t25" AS (
  SELECT
    "t24"."_pid" AS "_apid",
    "t24"."_d_owner" AS "_a_d_owner",
    SUM("t24"."flagged") AS "flagged",
    SUM("t24"."records") AS "records"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t20"."_d_owner",
        "t20"."_m_flagged" AS "flagged",
        "t20"."_m_records" AS "records"
      FROM (
        SELECT
          "t16"."id",
          "t16"."external_id",
          "t16"."name",
          "t16"."email",
          "t16"."phone",
          "t16"."company",
          "t16"."country",
          "t16"."segment",
          "t16"."source",
          "t16"."owner_id",
          "t16"."created_at",
          "t16"."acquired_at",
          "t16"."churned_at",
          "t16"."churn_reason",
          "t16"."search_text",
          "t16"."search_phone",
          "t16"."_duplicate",
          "t16"."owner_id" AS "_owner",
          "t16"."owner_id" AS "_d_owner",
          CAST("t16"."_duplicate" AS DOUBLE PRECISION) AS "_m_flagged",
          CAST(1 AS DOUBLE PRECISION) AS "_m_records"
        FROM (
          SELECT
            "t14"."id",
            "t14"."external_id",
            "t14"."name",
            "t14"."email",
            "t14"."phone",
            "t14"."company",
            "t14"."country",
            "t14"."segment",
            "t14"."source",
            "t14"."owner_id",
            "t14"."created_at",
            "t14"."acquired_at",
            "t14"."churned_at",
            "t14"."churn_reason",
            "t14"."search_text",
            "t14"."search_phone",
            "t14"."_duplicate"
          FROM (
            SELECT
              "t12"."id",
              "t12"."external_id",
              "t12"."name",
              "t12"."email",
              "t12"."phone",
              "t12"."company",
              "t12"."country",
              "t12"."segment",
              "t12"."source",
              "t12"."owner_id",
              "t12"."created_at",
              "t12"."acquired_at",
              "t12"."churned_at",
              "t12"."churn_reason",
              "t12"."search_text",
              "t12"."search_phone",
              "t12"."_rid",
              CASE WHEN COALESCE("t12"."_rid" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS "_duplicate"
            FROM (
              SELECT
                "t6"."id",
                "t6"."external_id",
                "t6"."name",
                "t6"."email",
                "t6"."phone",
                "t6"."company",
                "t6"."country",
                "t6"."segment",
                "t6"."source",
                "t6"."owner_id",
                "t6"."created_at",
                "t6"."acquired_at",
                "t6"."churned_at",
                "t6"."churn_reason",
                "t6"."search_text",
                "t6"."search_phone",
                "t10"."_rid"
              FROM "accounts" AS "t6"
              LEFT OUTER JOIN (
                SELECT DISTINCT
                  "t3"."record_id" AS "_rid"
                FROM "duplicate_candidates" AS "t3"
                WHERE
                  "t3"."table_name" = 'accounts' AND "t3"."status" IN ('pending', 'confirmed')
              ) AS "t10"
                ON "t6"."id" = "t10"."_rid"
            ) AS "t12"
          ) AS "t14"
        ) AS "t16"
      ) AS "t20"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t20"."created_at" < "t5"."_p_end"
    ) AS "t22"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t21"."_d_owner",
        "t21"."_m_flagged" AS "flagged",
        "t21"."_m_records" AS "records"
      FROM (
        SELECT
          "t17"."id",
          "t17"."external_id",
          "t17"."name",
          "t17"."email",
          "t17"."phone",
          "t17"."company",
          "t17"."source",
          "t17"."campaign_id",
          "t17"."visitor_id",
          "t17"."owner_id",
          "t17"."created_at",
          "t17"."mql_at",
          "t17"."sql_at",
          "t17"."converted_at",
          "t17"."account_id",
          "t17"."disqualified_at",
          "t17"."disqualified_reason",
          "t17"."search_text",
          "t17"."search_phone",
          "t17"."_duplicate",
          "t17"."owner_id" AS "_owner",
          "t17"."owner_id" AS "_d_owner",
          CAST("t17"."_duplicate" AS DOUBLE PRECISION) AS "_m_flagged",
          CAST(1 AS DOUBLE PRECISION) AS "_m_records"
        FROM (
          SELECT
            "t15"."id",
            "t15"."external_id",
            "t15"."name",
            "t15"."email",
            "t15"."phone",
            "t15"."company",
            "t15"."source",
            "t15"."campaign_id",
            "t15"."visitor_id",
            "t15"."owner_id",
            "t15"."created_at",
            "t15"."mql_at",
            "t15"."sql_at",
            "t15"."converted_at",
            "t15"."account_id",
            "t15"."disqualified_at",
            "t15"."disqualified_reason",
            "t15"."search_text",
            "t15"."search_phone",
            "t15"."_duplicate"
          FROM (
            SELECT
              "t13"."id",
              "t13"."external_id",
              "t13"."name",
              "t13"."email",
              "t13"."phone",
              "t13"."company",
              "t13"."source",
              "t13"."campaign_id",
              "t13"."visitor_id",
              "t13"."owner_id",
              "t13"."created_at",
              "t13"."mql_at",
              "t13"."sql_at",
              "t13"."converted_at",
              "t13"."account_id",
              "t13"."disqualified_at",
              "t13"."disqualified_reason",
              "t13"."search_text",
              "t13"."search_phone",
              "t13"."_rid",
              CASE WHEN COALESCE("t13"."_rid" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS "_duplicate"
            FROM (
              SELECT
                "t7"."id",
                "t7"."external_id",
                "t7"."name",
                "t7"."email",
                "t7"."phone",
                "t7"."company",
                "t7"."source",
                "t7"."campaign_id",
                "t7"."visitor_id",
                "t7"."owner_id",
                "t7"."created_at",
                "t7"."mql_at",
                "t7"."sql_at",
                "t7"."converted_at",
                "t7"."account_id",
                "t7"."disqualified_at",
                "t7"."disqualified_reason",
                "t7"."search_text",
                "t7"."search_phone",
                "t11"."_rid"
              FROM "leads" AS "t7"
              LEFT OUTER JOIN (
                SELECT DISTINCT
                  "t3"."record_id" AS "_rid"
                FROM "duplicate_candidates" AS "t3"
                WHERE
                  "t3"."table_name" = 'leads' AND "t3"."status" IN ('pending', 'confirmed')
              ) AS "t11"
                ON "t7"."id" = "t11"."_rid"
            ) AS "t13"
          ) AS "t15"
        ) AS "t17"
      ) AS "t21"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t21"."created_at" < "t5"."_p_end"
    ) AS "t23"
  ) AS "t24"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t29"."_d_owner" AS "owner",
  CAST(COALESCE("t27"."flagged", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t27"."records", 0.0), 0) AS "value",
  COALESCE("t27"."flagged", 0.0) AS "numerator",
  COALESCE("t27"."records", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t26"."_a_d_owner" AS "_d_owner"
  FROM "t25" AS "t26"
) AS "t29"
LEFT OUTER JOIN "t25" AS "t27"
  ON "t4"."_pid" = "t27"."_apid"
  AND "t29"."_d_owner" IS NOT DISTINCT FROM "t27"."_a_d_owner";
