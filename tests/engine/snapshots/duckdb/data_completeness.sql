-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- data_completeness · duckdb · monthly, company scope, no split
WITH "t5" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t13" AS (
  SELECT
    CAST(FLOOR((
      EPOCH_US("t11"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t11"."_m_passed",
    "t11"."_m_checked"
  FROM (
    SELECT
      *
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
        CAST(CASE
          WHEN COALESCE(
            CASE
              WHEN COALESCE("t1"."email" LIKE '%_@_%._%' AND NOT (
                CONTAINS("t1"."email", ' ')
              ), FALSE)
              THEN TRUE
              ELSE COALESCE(
                (
                  LENGTH("t1"."phone") >= 7
                )
                AND (
                  (
                    LENGTH("t1"."phone") - LENGTH(TRANSLATE("t1"."phone", '0123456789', ''))
                  ) >= 7
                ),
                FALSE
              )
            END,
            FALSE
          )
          THEN 1
          ELSE 0
        END + CASE WHEN COALESCE("t1"."owner_id" IS NOT NULL, FALSE) THEN 1 ELSE 0 END + CASE
          WHEN COALESCE(
            (
              "t1"."source" IS NOT NULL
            )
            AND (
              LENGTH(TRIM("t1"."source", ' 	
')) > 0
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END + CASE
          WHEN COALESCE(
            (
              (
                "t1"."acquired_at" IS NULL
              ) OR (
                "t1"."acquired_at" >= "t1"."created_at"
              )
            )
            AND (
              (
                "t1"."churned_at" IS NULL
              )
              OR (
                (
                  "t1"."acquired_at" IS NOT NULL
                )
                AND (
                  "t1"."churned_at" >= "t1"."acquired_at"
                )
              )
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE) AS "_m_passed",
        CAST(4 AS DOUBLE) AS "_m_checked"
      FROM "accounts" AS "t1"
    ) AS "t9"
    WHERE
      "t9"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t11"
), "t14" AS (
  SELECT
    CAST(FLOOR((
      EPOCH_US("t12"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t12"."_m_passed",
    "t12"."_m_checked"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."name",
        "t2"."email",
        "t2"."phone",
        "t2"."company",
        "t2"."source",
        "t2"."campaign_id",
        "t2"."visitor_id",
        "t2"."owner_id",
        "t2"."created_at",
        "t2"."mql_at",
        "t2"."sql_at",
        "t2"."converted_at",
        "t2"."account_id",
        "t2"."disqualified_at",
        "t2"."disqualified_reason",
        "t2"."search_text",
        "t2"."search_phone",
        CAST(CASE
          WHEN COALESCE(
            CASE
              WHEN COALESCE("t2"."email" LIKE '%_@_%._%' AND NOT (
                CONTAINS("t2"."email", ' ')
              ), FALSE)
              THEN TRUE
              ELSE COALESCE(
                (
                  LENGTH("t2"."phone") >= 7
                )
                AND (
                  (
                    LENGTH("t2"."phone") - LENGTH(TRANSLATE("t2"."phone", '0123456789', ''))
                  ) >= 7
                ),
                FALSE
              )
            END,
            FALSE
          )
          THEN 1
          ELSE 0
        END + CASE WHEN COALESCE("t2"."owner_id" IS NOT NULL, FALSE) THEN 1 ELSE 0 END + CASE
          WHEN COALESCE(
            (
              "t2"."source" IS NOT NULL
            )
            AND (
              LENGTH(TRIM("t2"."source", ' 	
')) > 0
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END + CASE
          WHEN COALESCE(
            (
              (
                "t2"."mql_at" IS NULL
              ) OR (
                "t2"."mql_at" >= "t2"."created_at"
              )
            )
            AND (
              (
                "t2"."sql_at" IS NULL
              ) OR (
                "t2"."sql_at" >= "t2"."created_at"
              )
            )
            AND (
              (
                "t2"."converted_at" IS NULL
              )
              OR (
                "t2"."converted_at" >= "t2"."created_at"
              )
            )
            AND (
              (
                "t2"."disqualified_at" IS NULL
              )
              OR (
                "t2"."disqualified_at" >= "t2"."created_at"
              )
            )
            AND (
              (
                "t2"."mql_at" IS NULL
              )
              OR (
                (
                  "t2"."sql_at" IS NULL
                ) OR (
                  "t2"."sql_at" >= "t2"."mql_at"
                )
              )
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE) AS "_m_passed",
        CAST(4 AS DOUBLE) AS "_m_checked"
      FROM "leads" AS "t2"
    ) AS "t10"
    WHERE
      "t10"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t12"
)
SELECT
  "t3"."_pid",
  COALESCE("t47"."passed", 0.0) / NULLIF(COALESCE("t47"."checked", 0.0), 0) AS "value",
  COALESCE("t47"."passed", 0.0) AS "numerator",
  COALESCE("t47"."checked", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t45"."_pid" AS "_apid",
    SUM("t45"."passed") AS "passed",
    SUM("t45"."checked") AS "checked"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t41"."_m_passed" AS "passed",
        "t41"."_m_checked" AS "checked"
      FROM (
        SELECT
          "t37"."_b",
          MAX("t37"."_m_passed") AS "_m_passed",
          MAX("t37"."_m_checked") AS "_m_checked"
        FROM (
          SELECT
            "t7"."_b",
            SUM(COALESCE("t35"."_m_passed", 0.0)) OVER (ORDER BY "t7"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_passed",
            SUM(COALESCE("t35"."_m_checked", 0.0)) OVER (ORDER BY "t7"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_checked"
          FROM "t5" AS "t7"
          LEFT OUTER JOIN (
            SELECT
              "t31"."_b" AS "_kb",
              "t31"."_m_passed",
              "t31"."_m_checked"
            FROM (
              SELECT
                "t29"."_b",
                SUM("t29"."_m_passed") AS "_m_passed",
                SUM("t29"."_m_checked") AS "_m_checked"
              FROM (
                SELECT
                  "t17"."_es",
                  "t17"."_m_passed",
                  "t17"."_m_checked",
                  "t27"."_slot",
                  "t27"."_b"
                FROM "t13" AS "t17"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t21"."_slot",
                      "t8"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t15"."_es" AS "_slot"
                      FROM "t13" AS "t15"
                    ) AS "t21"
                    ASOF LEFT JOIN "t5" AS "t8"
                      ON "t21"."_slot" < "t8"."_b"
                  ) AS "t23"
                  WHERE
                    "t23"."_b" IS NOT NULL
                ) AS "t27"
                  ON "t17"."_es" = "t27"."_slot"
              ) AS "t29"
              GROUP BY
                1
            ) AS "t31"
          ) AS "t35"
            ON "t7"."_b" = "t35"."_kb"
        ) AS "t37"
        GROUP BY
          1
      ) AS "t41"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t41"."_b" = "t4"."_s_end"
    ) AS "t43"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t42"."_m_passed" AS "passed",
        "t42"."_m_checked" AS "checked"
      FROM (
        SELECT
          "t38"."_b",
          MAX("t38"."_m_passed") AS "_m_passed",
          MAX("t38"."_m_checked") AS "_m_checked"
        FROM (
          SELECT
            "t7"."_b",
            SUM(COALESCE("t36"."_m_passed", 0.0)) OVER (ORDER BY "t7"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_passed",
            SUM(COALESCE("t36"."_m_checked", 0.0)) OVER (ORDER BY "t7"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_checked"
          FROM "t5" AS "t7"
          LEFT OUTER JOIN (
            SELECT
              "t32"."_b" AS "_kb",
              "t32"."_m_passed",
              "t32"."_m_checked"
            FROM (
              SELECT
                "t30"."_b",
                SUM("t30"."_m_passed") AS "_m_passed",
                SUM("t30"."_m_checked") AS "_m_checked"
              FROM (
                SELECT
                  "t18"."_es",
                  "t18"."_m_passed",
                  "t18"."_m_checked",
                  "t28"."_slot",
                  "t28"."_b"
                FROM "t14" AS "t18"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t22"."_slot",
                      "t8"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t16"."_es" AS "_slot"
                      FROM "t14" AS "t16"
                    ) AS "t22"
                    ASOF LEFT JOIN "t5" AS "t8"
                      ON "t22"."_slot" < "t8"."_b"
                  ) AS "t24"
                  WHERE
                    "t24"."_b" IS NOT NULL
                ) AS "t28"
                  ON "t18"."_es" = "t28"."_slot"
              ) AS "t30"
              GROUP BY
                1
            ) AS "t32"
          ) AS "t36"
            ON "t7"."_b" = "t36"."_kb"
        ) AS "t38"
        GROUP BY
          1
      ) AS "t42"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t42"."_b" = "t4"."_s_end"
    ) AS "t44"
  ) AS "t45"
  GROUP BY
    1
) AS "t47"
  ON "t3"."_pid" = "t47"."_apid";

-- data_completeness · duckdb · monthly, company scope, by owner
WITH "t5" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t13" AS (
  SELECT
    "t11"."_d_owner",
    CAST(FLOOR((
      EPOCH_US("t11"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t11"."_m_passed",
    "t11"."_m_checked"
  FROM (
    SELECT
      *
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
        CAST(CASE
          WHEN COALESCE(
            CASE
              WHEN COALESCE("t1"."email" LIKE '%_@_%._%' AND NOT (
                CONTAINS("t1"."email", ' ')
              ), FALSE)
              THEN TRUE
              ELSE COALESCE(
                (
                  LENGTH("t1"."phone") >= 7
                )
                AND (
                  (
                    LENGTH("t1"."phone") - LENGTH(TRANSLATE("t1"."phone", '0123456789', ''))
                  ) >= 7
                ),
                FALSE
              )
            END,
            FALSE
          )
          THEN 1
          ELSE 0
        END + CASE WHEN COALESCE("t1"."owner_id" IS NOT NULL, FALSE) THEN 1 ELSE 0 END + CASE
          WHEN COALESCE(
            (
              "t1"."source" IS NOT NULL
            )
            AND (
              LENGTH(TRIM("t1"."source", ' 	
')) > 0
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END + CASE
          WHEN COALESCE(
            (
              (
                "t1"."acquired_at" IS NULL
              ) OR (
                "t1"."acquired_at" >= "t1"."created_at"
              )
            )
            AND (
              (
                "t1"."churned_at" IS NULL
              )
              OR (
                (
                  "t1"."acquired_at" IS NOT NULL
                )
                AND (
                  "t1"."churned_at" >= "t1"."acquired_at"
                )
              )
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE) AS "_m_passed",
        CAST(4 AS DOUBLE) AS "_m_checked"
      FROM "accounts" AS "t1"
    ) AS "t9"
    WHERE
      "t9"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t11"
), "t14" AS (
  SELECT
    "t12"."_d_owner",
    CAST(FLOOR((
      EPOCH_US("t12"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t12"."_m_passed",
    "t12"."_m_checked"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."name",
        "t2"."email",
        "t2"."phone",
        "t2"."company",
        "t2"."source",
        "t2"."campaign_id",
        "t2"."visitor_id",
        "t2"."owner_id",
        "t2"."created_at",
        "t2"."mql_at",
        "t2"."sql_at",
        "t2"."converted_at",
        "t2"."account_id",
        "t2"."disqualified_at",
        "t2"."disqualified_reason",
        "t2"."search_text",
        "t2"."search_phone",
        "t2"."owner_id" AS "_owner",
        "t2"."owner_id" AS "_d_owner",
        CAST(CASE
          WHEN COALESCE(
            CASE
              WHEN COALESCE("t2"."email" LIKE '%_@_%._%' AND NOT (
                CONTAINS("t2"."email", ' ')
              ), FALSE)
              THEN TRUE
              ELSE COALESCE(
                (
                  LENGTH("t2"."phone") >= 7
                )
                AND (
                  (
                    LENGTH("t2"."phone") - LENGTH(TRANSLATE("t2"."phone", '0123456789', ''))
                  ) >= 7
                ),
                FALSE
              )
            END,
            FALSE
          )
          THEN 1
          ELSE 0
        END + CASE WHEN COALESCE("t2"."owner_id" IS NOT NULL, FALSE) THEN 1 ELSE 0 END + CASE
          WHEN COALESCE(
            (
              "t2"."source" IS NOT NULL
            )
            AND (
              LENGTH(TRIM("t2"."source", ' 	
')) > 0
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END + CASE
          WHEN COALESCE(
            (
              (
                "t2"."mql_at" IS NULL
              ) OR (
                "t2"."mql_at" >= "t2"."created_at"
              )
            )
            AND (
              (
                "t2"."sql_at" IS NULL
              ) OR (
                "t2"."sql_at" >= "t2"."created_at"
              )
            )
            AND (
              (
                "t2"."converted_at" IS NULL
              )
              OR (
                "t2"."converted_at" >= "t2"."created_at"
              )
            )
            AND (
              (
                "t2"."disqualified_at" IS NULL
              )
              OR (
                "t2"."disqualified_at" >= "t2"."created_at"
              )
            )
            AND (
              (
                "t2"."mql_at" IS NULL
              )
              OR (
                (
                  "t2"."sql_at" IS NULL
                ) OR (
                  "t2"."sql_at" >= "t2"."mql_at"
                )
              )
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE) AS "_m_passed",
        CAST(4 AS DOUBLE) AS "_m_checked"
      FROM "leads" AS "t2"
    ) AS "t10"
    WHERE
      "t10"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t12"
), "t31" AS (
  SELECT
    "t29"."_d_owner",
    "t29"."_b",
    SUM("t29"."_m_passed") AS "_m_passed",
    SUM("t29"."_m_checked") AS "_m_checked"
  FROM (
    SELECT
      "t17"."_d_owner",
      "t17"."_es",
      "t17"."_m_passed",
      "t17"."_m_checked",
      "t27"."_slot",
      "t27"."_b"
    FROM "t13" AS "t17"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t21"."_slot",
          "t8"."_b"
        FROM (
          SELECT DISTINCT
            "t15"."_es" AS "_slot"
          FROM "t13" AS "t15"
        ) AS "t21"
        ASOF LEFT JOIN "t5" AS "t8"
          ON "t21"."_slot" < "t8"."_b"
      ) AS "t23"
      WHERE
        "t23"."_b" IS NOT NULL
    ) AS "t27"
      ON "t17"."_es" = "t27"."_slot"
  ) AS "t29"
  GROUP BY
    1,
    2
), "t32" AS (
  SELECT
    "t30"."_d_owner",
    "t30"."_b",
    SUM("t30"."_m_passed") AS "_m_passed",
    SUM("t30"."_m_checked") AS "_m_checked"
  FROM (
    SELECT
      "t18"."_d_owner",
      "t18"."_es",
      "t18"."_m_passed",
      "t18"."_m_checked",
      "t28"."_slot",
      "t28"."_b"
    FROM "t14" AS "t18"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t22"."_slot",
          "t8"."_b"
        FROM (
          SELECT DISTINCT
            "t16"."_es" AS "_slot"
          FROM "t14" AS "t16"
        ) AS "t22"
        ASOF LEFT JOIN "t5" AS "t8"
          ON "t22"."_slot" < "t8"."_b"
      ) AS "t24"
      WHERE
        "t24"."_b" IS NOT NULL
    ) AS "t28"
      ON "t18"."_es" = "t28"."_slot"
  ) AS "t30"
  GROUP BY
    1,
    2
), "t52" AS (
  SELECT
    "t51"."_pid" AS "_apid",
    "t51"."_d_owner" AS "_a_d_owner",
    SUM("t51"."passed") AS "passed",
    SUM("t51"."checked") AS "checked"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t47"."_d_owner",
        "t47"."_m_passed" AS "passed",
        "t47"."_m_checked" AS "checked"
      FROM (
        SELECT
          "t43"."_d_owner",
          "t43"."_b",
          MAX("t43"."_m_passed") AS "_m_passed",
          MAX("t43"."_m_checked") AS "_m_checked"
        FROM (
          SELECT
            "t39"."_d_owner",
            "t7"."_b",
            SUM(COALESCE("t40"."_m_passed", 0.0)) OVER (
              PARTITION BY "t39"."_d_owner"
              ORDER BY "t7"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_passed",
            SUM(COALESCE("t40"."_m_checked", 0.0)) OVER (
              PARTITION BY "t39"."_d_owner"
              ORDER BY "t7"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_checked"
          FROM "t5" AS "t7"
          CROSS JOIN (
            SELECT DISTINCT
              "t33"."_d_owner"
            FROM "t31" AS "t33"
          ) AS "t39"
          LEFT OUTER JOIN (
            SELECT
              "t33"."_d_owner" AS "_k_d_owner",
              "t33"."_b" AS "_kb",
              "t33"."_m_passed",
              "t33"."_m_checked"
            FROM "t31" AS "t33"
          ) AS "t40"
            ON "t7"."_b" = "t40"."_kb"
            AND "t39"."_d_owner" IS NOT DISTINCT FROM "t40"."_k_d_owner"
        ) AS "t43"
        GROUP BY
          1,
          2
      ) AS "t47"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t47"."_b" = "t4"."_s_end"
    ) AS "t49"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t48"."_d_owner",
        "t48"."_m_passed" AS "passed",
        "t48"."_m_checked" AS "checked"
      FROM (
        SELECT
          "t44"."_d_owner",
          "t44"."_b",
          MAX("t44"."_m_passed") AS "_m_passed",
          MAX("t44"."_m_checked") AS "_m_checked"
        FROM (
          SELECT
            "t41"."_d_owner",
            "t7"."_b",
            SUM(COALESCE("t42"."_m_passed", 0.0)) OVER (
              PARTITION BY "t41"."_d_owner"
              ORDER BY "t7"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_passed",
            SUM(COALESCE("t42"."_m_checked", 0.0)) OVER (
              PARTITION BY "t41"."_d_owner"
              ORDER BY "t7"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_checked"
          FROM "t5" AS "t7"
          CROSS JOIN (
            SELECT DISTINCT
              "t34"."_d_owner"
            FROM "t32" AS "t34"
          ) AS "t41"
          LEFT OUTER JOIN (
            SELECT
              "t34"."_d_owner" AS "_k_d_owner",
              "t34"."_b" AS "_kb",
              "t34"."_m_passed",
              "t34"."_m_checked"
            FROM "t32" AS "t34"
          ) AS "t42"
            ON "t7"."_b" = "t42"."_kb"
            AND "t41"."_d_owner" IS NOT DISTINCT FROM "t42"."_k_d_owner"
        ) AS "t44"
        GROUP BY
          1,
          2
      ) AS "t48"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t48"."_b" = "t4"."_s_end"
    ) AS "t50"
  ) AS "t51"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t56"."_d_owner" AS "owner",
  COALESCE("t54"."passed", 0.0) / NULLIF(COALESCE("t54"."checked", 0.0), 0) AS "value",
  COALESCE("t54"."passed", 0.0) AS "numerator",
  COALESCE("t54"."checked", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t53"."_a_d_owner" AS "_d_owner"
  FROM "t52" AS "t53"
) AS "t56"
LEFT OUTER JOIN "t52" AS "t54"
  ON "t3"."_pid" = "t54"."_apid"
  AND "t56"."_d_owner" IS NOT DISTINCT FROM "t54"."_a_d_owner";
