-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- data_completeness · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t13"."passed", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."checked", 0.0), 0) AS "value",
  COALESCE("t13"."passed", 0.0) AS "numerator",
  COALESCE("t13"."checked", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t11"."_pid" AS "_apid",
    SUM("t11"."passed") AS "passed",
    SUM("t11"."checked") AS "checked"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t7"."_m_passed" AS "passed",
        "t7"."_m_checked" AS "checked"
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
                WHEN COALESCE(
                  "t1"."email" LIKE '%_@_%._%' AND NOT (
                    POSITION(' ' IN "t1"."email") > 0
                  ),
                  FALSE
                )
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
                LENGTH(TRIM(' 	
' FROM "t1"."source")) > 0
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
          END AS DOUBLE PRECISION) AS "_m_passed",
          CAST(4 AS DOUBLE PRECISION) AS "_m_checked"
        FROM "accounts" AS "t1"
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t7"."created_at" < "t4"."_p_end"
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t8"."_m_passed" AS "passed",
        "t8"."_m_checked" AS "checked"
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
                WHEN COALESCE(
                  "t2"."email" LIKE '%_@_%._%' AND NOT (
                    POSITION(' ' IN "t2"."email") > 0
                  ),
                  FALSE
                )
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
                LENGTH(TRIM(' 	
' FROM "t2"."source")) > 0
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
          END AS DOUBLE PRECISION) AS "_m_passed",
          CAST(4 AS DOUBLE PRECISION) AS "_m_checked"
        FROM "leads" AS "t2"
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t8"."created_at" < "t4"."_p_end"
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1
) AS "t13"
  ON "t3"."_pid" = "t13"."_apid";

-- data_completeness · postgres · monthly, company scope, by owner
WITH "t12" AS (
  SELECT
    "t11"."_pid" AS "_apid",
    "t11"."_d_owner" AS "_a_d_owner",
    SUM("t11"."passed") AS "passed",
    SUM("t11"."checked") AS "checked"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t7"."_d_owner",
        "t7"."_m_passed" AS "passed",
        "t7"."_m_checked" AS "checked"
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
                WHEN COALESCE(
                  "t1"."email" LIKE '%_@_%._%' AND NOT (
                    POSITION(' ' IN "t1"."email") > 0
                  ),
                  FALSE
                )
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
                LENGTH(TRIM(' 	
' FROM "t1"."source")) > 0
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
          END AS DOUBLE PRECISION) AS "_m_passed",
          CAST(4 AS DOUBLE PRECISION) AS "_m_checked"
        FROM "accounts" AS "t1"
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t7"."created_at" < "t4"."_p_end"
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t8"."_d_owner",
        "t8"."_m_passed" AS "passed",
        "t8"."_m_checked" AS "checked"
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
                WHEN COALESCE(
                  "t2"."email" LIKE '%_@_%._%' AND NOT (
                    POSITION(' ' IN "t2"."email") > 0
                  ),
                  FALSE
                )
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
                LENGTH(TRIM(' 	
' FROM "t2"."source")) > 0
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
          END AS DOUBLE PRECISION) AS "_m_passed",
          CAST(4 AS DOUBLE PRECISION) AS "_m_checked"
        FROM "leads" AS "t2"
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t8"."created_at" < "t4"."_p_end"
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t16"."_d_owner" AS "owner",
  CAST(COALESCE("t14"."passed", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t14"."checked", 0.0), 0) AS "value",
  COALESCE("t14"."passed", 0.0) AS "numerator",
  COALESCE("t14"."checked", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t13"."_a_d_owner" AS "_d_owner"
  FROM "t12" AS "t13"
) AS "t16"
LEFT OUTER JOIN "t12" AS "t14"
  ON "t3"."_pid" = "t14"."_apid"
  AND "t16"."_d_owner" IS NOT DISTINCT FROM "t14"."_a_d_owner";
