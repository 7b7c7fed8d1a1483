-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- duplicate_rate · duckdb · monthly, company scope, no split
WITH "t8" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t26" AS (
  SELECT
    CAST(FLOOR((
      EPOCH_US("t24"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t24"."_m_flagged",
    "t24"."_m_records"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t20"."id",
        "t20"."external_id",
        "t20"."name",
        "t20"."email",
        "t20"."phone",
        "t20"."company",
        "t20"."country",
        "t20"."segment",
        "t20"."source",
        "t20"."owner_id",
        "t20"."created_at",
        "t20"."acquired_at",
        "t20"."churned_at",
        "t20"."churn_reason",
        "t20"."search_text",
        "t20"."search_phone",
        "t20"."_duplicate",
        CAST("t20"."_duplicate" AS DOUBLE) AS "_m_flagged",
        CAST(1 AS DOUBLE) AS "_m_records"
      FROM (
        SELECT
          "t18".*
          EXCLUDE ("_rid")
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
            "t16"."_rid",
            CASE WHEN COALESCE("t16"."_rid" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS "_duplicate"
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
              "t14"."_rid"
            FROM "accounts" AS "t6"
            LEFT OUTER JOIN (
              SELECT DISTINCT
                "t3"."record_id" AS "_rid"
              FROM "duplicate_candidates" AS "t3"
              WHERE
                "t3"."table_name" = 'accounts' AND "t3"."status" IN ('pending', 'confirmed')
            ) AS "t14"
              ON "t6"."id" = "t14"."_rid"
          ) AS "t16"
        ) AS "t18"
      ) AS "t20"
    ) AS "t22"
    WHERE
      "t22"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t24"
), "t27" AS (
  SELECT
    CAST(FLOOR((
      EPOCH_US("t25"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t25"."_m_flagged",
    "t25"."_m_records"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t21"."id",
        "t21"."external_id",
        "t21"."name",
        "t21"."email",
        "t21"."phone",
        "t21"."company",
        "t21"."source",
        "t21"."campaign_id",
        "t21"."visitor_id",
        "t21"."owner_id",
        "t21"."created_at",
        "t21"."mql_at",
        "t21"."sql_at",
        "t21"."converted_at",
        "t21"."account_id",
        "t21"."disqualified_at",
        "t21"."disqualified_reason",
        "t21"."search_text",
        "t21"."search_phone",
        "t21"."_duplicate",
        CAST("t21"."_duplicate" AS DOUBLE) AS "_m_flagged",
        CAST(1 AS DOUBLE) AS "_m_records"
      FROM (
        SELECT
          "t19".*
          EXCLUDE ("_rid")
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
            "t17"."_rid",
            CASE WHEN COALESCE("t17"."_rid" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS "_duplicate"
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
              "t15"."_rid"
            FROM "leads" AS "t7"
            LEFT OUTER JOIN (
              SELECT DISTINCT
                "t3"."record_id" AS "_rid"
              FROM "duplicate_candidates" AS "t3"
              WHERE
                "t3"."table_name" = 'leads' AND "t3"."status" IN ('pending', 'confirmed')
            ) AS "t15"
              ON "t7"."id" = "t15"."_rid"
          ) AS "t17"
        ) AS "t19"
      ) AS "t21"
    ) AS "t23"
    WHERE
      "t23"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t25"
)
SELECT
  "t4"."_pid",
  COALESCE("t60"."flagged", 0.0) / NULLIF(COALESCE("t60"."records", 0.0), 0) AS "value",
  COALESCE("t60"."flagged", 0.0) AS "numerator",
  COALESCE("t60"."records", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t58"."_pid" AS "_apid",
    SUM("t58"."flagged") AS "flagged",
    SUM("t58"."records") AS "records"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t54"."_m_flagged" AS "flagged",
        "t54"."_m_records" AS "records"
      FROM (
        SELECT
          "t50"."_b",
          MAX("t50"."_m_flagged") AS "_m_flagged",
          MAX("t50"."_m_records") AS "_m_records"
        FROM (
          SELECT
            "t12"."_b",
            SUM(COALESCE("t48"."_m_flagged", 0.0)) OVER (ORDER BY "t12"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_flagged",
            SUM(COALESCE("t48"."_m_records", 0.0)) OVER (ORDER BY "t12"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_records"
          FROM "t8" AS "t12"
          LEFT OUTER JOIN (
            SELECT
              "t44"."_b" AS "_kb",
              "t44"."_m_flagged",
              "t44"."_m_records"
            FROM (
              SELECT
                "t42"."_b",
                SUM("t42"."_m_flagged") AS "_m_flagged",
                SUM("t42"."_m_records") AS "_m_records"
              FROM (
                SELECT
                  "t30"."_es",
                  "t30"."_m_flagged",
                  "t30"."_m_records",
                  "t40"."_slot",
                  "t40"."_b"
                FROM "t26" AS "t30"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t34"."_slot",
                      "t13"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t28"."_es" AS "_slot"
                      FROM "t26" AS "t28"
                    ) AS "t34"
                    ASOF LEFT JOIN "t8" AS "t13"
                      ON "t34"."_slot" < "t13"."_b"
                  ) AS "t36"
                  WHERE
                    "t36"."_b" IS NOT NULL
                ) AS "t40"
                  ON "t30"."_es" = "t40"."_slot"
              ) AS "t42"
              GROUP BY
                1
            ) AS "t44"
          ) AS "t48"
            ON "t12"."_b" = "t48"."_kb"
        ) AS "t50"
        GROUP BY
          1
      ) AS "t54"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t54"."_b" = "t5"."_s_end"
    ) AS "t56"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t55"."_m_flagged" AS "flagged",
        "t55"."_m_records" AS "records"
      FROM (
        SELECT
          "t51"."_b",
          MAX("t51"."_m_flagged") AS "_m_flagged",
          MAX("t51"."_m_records") AS "_m_records"
        FROM (
          SELECT
            "t12"."_b",
            SUM(COALESCE("t49"."_m_flagged", 0.0)) OVER (ORDER BY "t12"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_flagged",
            SUM(COALESCE("t49"."_m_records", 0.0)) OVER (ORDER BY "t12"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_records"
          FROM "t8" AS "t12"
          LEFT OUTER JOIN (
            SELECT
              "t45"."_b" AS "_kb",
              "t45"."_m_flagged",
              "t45"."_m_records"
            FROM (
              SELECT
                "t43"."_b",
                SUM("t43"."_m_flagged") AS "_m_flagged",
                SUM("t43"."_m_records") AS "_m_records"
              FROM (
                SELECT
                  "t31"."_es",
                  "t31"."_m_flagged",
                  "t31"."_m_records",
                  "t41"."_slot",
                  "t41"."_b"
                FROM "t27" AS "t31"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t35"."_slot",
                      "t13"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t29"."_es" AS "_slot"
                      FROM "t27" AS "t29"
                    ) AS "t35"
                    ASOF LEFT JOIN "t8" AS "t13"
                      ON "t35"."_slot" < "t13"."_b"
                  ) AS "t37"
                  WHERE
                    "t37"."_b" IS NOT NULL
                ) AS "t41"
                  ON "t31"."_es" = "t41"."_slot"
              ) AS "t43"
              GROUP BY
                1
            ) AS "t45"
          ) AS "t49"
            ON "t12"."_b" = "t49"."_kb"
        ) AS "t51"
        GROUP BY
          1
      ) AS "t55"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t55"."_b" = "t5"."_s_end"
    ) AS "t57"
  ) AS "t58"
  GROUP BY
    1
) AS "t60"
  ON "t4"."_pid" = "t60"."_apid";

-- duplicate_rate · duckdb · monthly, company scope, by owner
WITH "t8" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t26" AS (
  SELECT
    "t24"."_d_owner",
    CAST(FLOOR((
      EPOCH_US("t24"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t24"."_m_flagged",
    "t24"."_m_records"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t20"."id",
        "t20"."external_id",
        "t20"."name",
        "t20"."email",
        "t20"."phone",
        "t20"."company",
        "t20"."country",
        "t20"."segment",
        "t20"."source",
        "t20"."owner_id",
        "t20"."created_at",
        "t20"."acquired_at",
        "t20"."churned_at",
        "t20"."churn_reason",
        "t20"."search_text",
        "t20"."search_phone",
        "t20"."_duplicate",
        "t20"."owner_id" AS "_owner",
        "t20"."owner_id" AS "_d_owner",
        CAST("t20"."_duplicate" AS DOUBLE) AS "_m_flagged",
        CAST(1 AS DOUBLE) AS "_m_records"
      FROM (
        SELECT
          "t18".*
          EXCLUDE ("_rid")
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
            "t16"."_rid",
            CASE WHEN COALESCE("t16"."_rid" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS "_duplicate"
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
              "t14"."_rid"
            FROM "accounts" AS "t6"
            LEFT OUTER JOIN (
              SELECT DISTINCT
                "t3"."record_id" AS "_rid"
              FROM "duplicate_candidates" AS "t3"
              WHERE
                "t3"."table_name" = 'accounts' AND "t3"."status" IN ('pending', 'confirmed')
            ) AS "t14"
              ON "t6"."id" = "t14"."_rid"
          ) AS "t16"
        ) AS "t18"
      ) AS "t20"
    ) AS "t22"
    WHERE
      "t22"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t24"
), "t27" AS (
  SELECT
    "t25"."_d_owner",
    CAST(FLOOR((
      EPOCH_US("t25"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t25"."_m_flagged",
    "t25"."_m_records"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t21"."id",
        "t21"."external_id",
        "t21"."name",
        "t21"."email",
        "t21"."phone",
        "t21"."company",
        "t21"."source",
        "t21"."campaign_id",
        "t21"."visitor_id",
        "t21"."owner_id",
        "t21"."created_at",
        "t21"."mql_at",
        "t21"."sql_at",
        "t21"."converted_at",
        "t21"."account_id",
        "t21"."disqualified_at",
        "t21"."disqualified_reason",
        "t21"."search_text",
        "t21"."search_phone",
        "t21"."_duplicate",
        "t21"."owner_id" AS "_owner",
        "t21"."owner_id" AS "_d_owner",
        CAST("t21"."_duplicate" AS DOUBLE) AS "_m_flagged",
        CAST(1 AS DOUBLE) AS "_m_records"
      FROM (
        SELECT
          "t19".*
          EXCLUDE ("_rid")
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
            "t17"."_rid",
            CASE WHEN COALESCE("t17"."_rid" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS "_duplicate"
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
              "t15"."_rid"
            FROM "leads" AS "t7"
            LEFT OUTER JOIN (
              SELECT DISTINCT
                "t3"."record_id" AS "_rid"
              FROM "duplicate_candidates" AS "t3"
              WHERE
                "t3"."table_name" = 'leads' AND "t3"."status" IN ('pending', 'confirmed')
            ) AS "t15"
              ON "t7"."id" = "t15"."_rid"
          ) AS "t17"
        ) AS "t19"
      ) AS "t21"
    ) AS "t23"
    WHERE
      "t23"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t25"
), "t44" AS (
  SELECT
    "t42"."_d_owner",
    "t42"."_b",
    SUM("t42"."_m_flagged") AS "_m_flagged",
    SUM("t42"."_m_records") AS "_m_records"
  FROM (
    SELECT
      "t30"."_d_owner",
      "t30"."_es",
      "t30"."_m_flagged",
      "t30"."_m_records",
      "t40"."_slot",
      "t40"."_b"
    FROM "t26" AS "t30"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t34"."_slot",
          "t13"."_b"
        FROM (
          SELECT DISTINCT
            "t28"."_es" AS "_slot"
          FROM "t26" AS "t28"
        ) AS "t34"
        ASOF LEFT JOIN "t8" AS "t13"
          ON "t34"."_slot" < "t13"."_b"
      ) AS "t36"
      WHERE
        "t36"."_b" IS NOT NULL
    ) AS "t40"
      ON "t30"."_es" = "t40"."_slot"
  ) AS "t42"
  GROUP BY
    1,
    2
), "t45" AS (
  SELECT
    "t43"."_d_owner",
    "t43"."_b",
    SUM("t43"."_m_flagged") AS "_m_flagged",
    SUM("t43"."_m_records") AS "_m_records"
  FROM (
    SELECT
      "t31"."_d_owner",
      "t31"."_es",
      "t31"."_m_flagged",
      "t31"."_m_records",
      "t41"."_slot",
      "t41"."_b"
    FROM "t27" AS "t31"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t35"."_slot",
          "t13"."_b"
        FROM (
          SELECT DISTINCT
            "t29"."_es" AS "_slot"
          FROM "t27" AS "t29"
        ) AS "t35"
        ASOF LEFT JOIN "t8" AS "t13"
          ON "t35"."_slot" < "t13"."_b"
      ) AS "t37"
      WHERE
        "t37"."_b" IS NOT NULL
    ) AS "t41"
      ON "t31"."_es" = "t41"."_slot"
  ) AS "t43"
  GROUP BY
    1,
    2
), "t65" AS (
  SELECT
    "t64"."_pid" AS "_apid",
    "t64"."_d_owner" AS "_a_d_owner",
    SUM("t64"."flagged") AS "flagged",
    SUM("t64"."records") AS "records"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t60"."_d_owner",
        "t60"."_m_flagged" AS "flagged",
        "t60"."_m_records" AS "records"
      FROM (
        SELECT
          "t56"."_d_owner",
          "t56"."_b",
          MAX("t56"."_m_flagged") AS "_m_flagged",
          MAX("t56"."_m_records") AS "_m_records"
        FROM (
          SELECT
            "t52"."_d_owner",
            "t12"."_b",
            SUM(COALESCE("t53"."_m_flagged", 0.0)) OVER (
              PARTITION BY "t52"."_d_owner"
              ORDER BY "t12"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_flagged",
            SUM(COALESCE("t53"."_m_records", 0.0)) OVER (
              PARTITION BY "t52"."_d_owner"
              ORDER BY "t12"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_records"
          FROM "t8" AS "t12"
          CROSS JOIN (
            SELECT DISTINCT
              "t46"."_d_owner"
            FROM "t44" AS "t46"
          ) AS "t52"
          LEFT OUTER JOIN (
            SELECT
              "t46"."_d_owner" AS "_k_d_owner",
              "t46"."_b" AS "_kb",
              "t46"."_m_flagged",
              "t46"."_m_records"
            FROM "t44" AS "t46"
          ) AS "t53"
            ON "t12"."_b" = "t53"."_kb"
            AND "t52"."_d_owner" IS NOT DISTINCT FROM "t53"."_k_d_owner"
        ) AS "t56"
        GROUP BY
          1,
          2
      ) AS "t60"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t60"."_b" = "t5"."_s_end"
    ) AS "t62"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t61"."_d_owner",
        "t61"."_m_flagged" AS "flagged",
        "t61"."_m_records" AS "records"
      FROM (
        SELECT
          "t57"."_d_owner",
          "t57"."_b",
          MAX("t57"."_m_flagged") AS "_m_flagged",
          MAX("t57"."_m_records") AS "_m_records"
        FROM (
          SELECT
            "t54"."_d_owner",
            "t12"."_b",
            SUM(COALESCE("t55"."_m_flagged", 0.0)) OVER (
              PARTITION BY "t54"."_d_owner"
              ORDER BY "t12"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_flagged",
            SUM(COALESCE("t55"."_m_records", 0.0)) OVER (
              PARTITION BY "t54"."_d_owner"
              ORDER BY "t12"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_records"
          FROM "t8" AS "t12"
          CROSS JOIN (
            SELECT DISTINCT
              "t47"."_d_owner"
            FROM "t45" AS "t47"
          ) AS "t54"
          LEFT OUTER JOIN (
            SELECT
              "t47"."_d_owner" AS "_k_d_owner",
              "t47"."_b" AS "_kb",
              "t47"."_m_flagged",
              "t47"."_m_records"
            FROM "t45" AS "t47"
          ) AS "t55"
            ON "t12"."_b" = "t55"."_kb"
            AND "t54"."_d_owner" IS NOT DISTINCT FROM "t55"."_k_d_owner"
        ) AS "t57"
        GROUP BY
          1,
          2
      ) AS "t61"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t61"."_b" = "t5"."_s_end"
    ) AS "t63"
  ) AS "t64"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t69"."_d_owner" AS "owner",
  COALESCE("t67"."flagged", 0.0) / NULLIF(COALESCE("t67"."records", 0.0), 0) AS "value",
  COALESCE("t67"."flagged", 0.0) AS "numerator",
  COALESCE("t67"."records", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t66"."_a_d_owner" AS "_d_owner"
  FROM "t65" AS "t66"
) AS "t69"
LEFT OUTER JOIN "t65" AS "t67"
  ON "t4"."_pid" = "t67"."_apid"
  AND "t69"."_d_owner" IS NOT DISTINCT FROM "t67"."_a_d_owner";
