-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- leads_by_source · duckdb · monthly, company scope, no split
SELECT
  "t4"."_pid",
  COALESCE("t18"."leads", 0.0) AS "value",
  COALESCE("t18"."leads", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator",
  COALESCE("t18"."converted", 0.0) / NULLIF(COALESCE("t18"."leads", 0.0), 0) AS "conversion_rate",
  COALESCE("t18"."won_revenue", 0.0) AS "won_revenue"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t16"."_pid" AS "_apid",
    SUM("t16"."leads") AS "leads",
    SUM("t16"."converted") AS "converted",
    SUM("t16"."won_revenue") AS "won_revenue"
  FROM (
    SELECT
      "t5"."_pid",
      "t15"."_m_leads" AS "leads",
      "t15"."_m_converted" AS "converted",
      "t15"."_m_won_revenue" AS "won_revenue"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t12"."id",
          "t12"."external_id",
          "t12"."name",
          "t12"."email",
          "t12"."phone",
          "t12"."company",
          "t12"."source",
          "t12"."campaign_id",
          "t12"."visitor_id",
          "t12"."owner_id",
          "t12"."created_at",
          "t12"."mql_at",
          "t12"."sql_at",
          "t12"."converted_at",
          "t12"."account_id",
          "t12"."disqualified_at",
          "t12"."disqualified_reason",
          "t12"."search_text",
          "t12"."search_phone",
          "t12"."_won_revenue",
          CAST(1 AS DOUBLE) AS "_m_leads",
          CAST(CASE WHEN COALESCE("t12"."converted_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_converted",
          COALESCE("t12"."_won_revenue", 0.0) AS "_m_won_revenue"
        FROM (
          SELECT
            "t11".*
            EXCLUDE ("_rid")
          FROM (
            SELECT
              "t8"."id",
              "t8"."external_id",
              "t8"."name",
              "t8"."email",
              "t8"."phone",
              "t8"."company",
              "t8"."source",
              "t8"."campaign_id",
              "t8"."visitor_id",
              "t8"."owner_id",
              "t8"."created_at",
              "t8"."mql_at",
              "t8"."sql_at",
              "t8"."converted_at",
              "t8"."account_id",
              "t8"."disqualified_at",
              "t8"."disqualified_reason",
              "t8"."search_text",
              "t8"."search_phone",
              "t10"."_rid",
              "t10"."_won_revenue"
            FROM (
              SELECT
                *
              FROM "leads" AS "t2"
              WHERE
                (
                  (
                    "t2"."created_at" >= GETVARIABLE('pulso_lo')
                  )
                  AND (
                    "t2"."created_at" < GETVARIABLE('pulso_hi')
                  )
                )
                OR (
                  (
                    "t2"."created_at" >= GETVARIABLE('pulso_lo2')
                  )
                  AND (
                    "t2"."created_at" < GETVARIABLE('pulso_hi2')
                  )
                )
            ) AS "t8"
            LEFT OUTER JOIN (
              SELECT
                "t6"."lead_id" AS "_rid",
                SUM(COALESCE(CAST("t6"."amount" AS DOUBLE), 0.0)) AS "_won_revenue"
              FROM (
                SELECT
                  *
                FROM "deals" AS "t3"
                WHERE
                  "t3"."status" = 'won' AND "t3"."lead_id" IS NOT NULL
              ) AS "t6"
              GROUP BY
                1
            ) AS "t10"
              ON "t8"."id" = "t10"."_rid"
          ) AS "t11"
        ) AS "t12"
      ) AS "t13"
      WHERE
        (
          (
            "t13"."created_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t13"."created_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t13"."created_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t13"."created_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t15"
    INNER JOIN "pulso_period_slots" AS "t5"
      ON CAST(FLOOR((
        EPOCH_US("t15"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t5"."_slot"
  ) AS "t16"
  GROUP BY
    1
) AS "t18"
  ON "t4"."_pid" = "t18"."_apid";

-- leads_by_source · duckdb · monthly, company scope, by owner
WITH "t17" AS (
  SELECT
    "t16"."_pid" AS "_apid",
    "t16"."_d_owner" AS "_a_d_owner",
    SUM("t16"."leads") AS "leads",
    SUM("t16"."converted") AS "converted",
    SUM("t16"."won_revenue") AS "won_revenue"
  FROM (
    SELECT
      "t5"."_pid",
      "t15"."_d_owner",
      "t15"."_m_leads" AS "leads",
      "t15"."_m_converted" AS "converted",
      "t15"."_m_won_revenue" AS "won_revenue"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t12"."id",
          "t12"."external_id",
          "t12"."name",
          "t12"."email",
          "t12"."phone",
          "t12"."company",
          "t12"."source",
          "t12"."campaign_id",
          "t12"."visitor_id",
          "t12"."owner_id",
          "t12"."created_at",
          "t12"."mql_at",
          "t12"."sql_at",
          "t12"."converted_at",
          "t12"."account_id",
          "t12"."disqualified_at",
          "t12"."disqualified_reason",
          "t12"."search_text",
          "t12"."search_phone",
          "t12"."_won_revenue",
          "t12"."owner_id" AS "_owner",
          "t12"."owner_id" AS "_d_owner",
          CAST(1 AS DOUBLE) AS "_m_leads",
          CAST(CASE WHEN COALESCE("t12"."converted_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_converted",
          COALESCE("t12"."_won_revenue", 0.0) AS "_m_won_revenue"
        FROM (
          SELECT
            "t11".*
            EXCLUDE ("_rid")
          FROM (
            SELECT
              "t8"."id",
              "t8"."external_id",
              "t8"."name",
              "t8"."email",
              "t8"."phone",
              "t8"."company",
              "t8"."source",
              "t8"."campaign_id",
              "t8"."visitor_id",
              "t8"."owner_id",
              "t8"."created_at",
              "t8"."mql_at",
              "t8"."sql_at",
              "t8"."converted_at",
              "t8"."account_id",
              "t8"."disqualified_at",
              "t8"."disqualified_reason",
              "t8"."search_text",
              "t8"."search_phone",
              "t10"."_rid",
              "t10"."_won_revenue"
            FROM (
              SELECT
                *
              FROM "leads" AS "t2"
              WHERE
                (
                  (
                    "t2"."created_at" >= GETVARIABLE('pulso_lo')
                  )
                  AND (
                    "t2"."created_at" < GETVARIABLE('pulso_hi')
                  )
                )
                OR (
                  (
                    "t2"."created_at" >= GETVARIABLE('pulso_lo2')
                  )
                  AND (
                    "t2"."created_at" < GETVARIABLE('pulso_hi2')
                  )
                )
            ) AS "t8"
            LEFT OUTER JOIN (
              SELECT
                "t6"."lead_id" AS "_rid",
                SUM(COALESCE(CAST("t6"."amount" AS DOUBLE), 0.0)) AS "_won_revenue"
              FROM (
                SELECT
                  *
                FROM "deals" AS "t3"
                WHERE
                  "t3"."status" = 'won' AND "t3"."lead_id" IS NOT NULL
              ) AS "t6"
              GROUP BY
                1
            ) AS "t10"
              ON "t8"."id" = "t10"."_rid"
          ) AS "t11"
        ) AS "t12"
      ) AS "t13"
      WHERE
        (
          (
            "t13"."created_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t13"."created_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t13"."created_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t13"."created_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t15"
    INNER JOIN "pulso_period_slots" AS "t5"
      ON CAST(FLOOR((
        EPOCH_US("t15"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t5"."_slot"
  ) AS "t16"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t21"."_d_owner" AS "owner",
  COALESCE("t19"."leads", 0.0) AS "value",
  COALESCE("t19"."leads", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator",
  COALESCE("t19"."converted", 0.0) / NULLIF(COALESCE("t19"."leads", 0.0), 0) AS "conversion_rate",
  COALESCE("t19"."won_revenue", 0.0) AS "won_revenue"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t18"."_a_d_owner" AS "_d_owner"
  FROM "t17" AS "t18"
) AS "t21"
LEFT OUTER JOIN "t17" AS "t19"
  ON "t4"."_pid" = "t19"."_apid"
  AND "t21"."_d_owner" IS NOT DISTINCT FROM "t19"."_a_d_owner";
