-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- campaign_responses · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."leads", 0.0) AS "value",
  COALESCE("t10"."leads", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."leads") AS "leads"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_m_leads" AS "leads"
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
          CAST(1 AS DOUBLE) AS "_m_leads"
        FROM "leads" AS "t2"
        WHERE
          "t2"."campaign_id" IS NOT NULL
      ) AS "t5"
      WHERE
        (
          (
            "t5"."created_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."created_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."created_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."created_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t3"."_pid" = "t10"."_apid";

-- campaign_responses · duckdb · monthly, company scope, by owner
WITH "t9" AS (
  SELECT
    "t8"."_pid" AS "_apid",
    "t8"."_d_owner" AS "_a_d_owner",
    SUM("t8"."leads") AS "leads"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_d_owner",
      "t7"."_m_leads" AS "leads"
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
          CAST(1 AS DOUBLE) AS "_m_leads"
        FROM "leads" AS "t2"
        WHERE
          "t2"."campaign_id" IS NOT NULL
      ) AS "t5"
      WHERE
        (
          (
            "t5"."created_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."created_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."created_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."created_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t13"."_d_owner" AS "owner",
  COALESCE("t11"."leads", 0.0) AS "value",
  COALESCE("t11"."leads", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t10"."_a_d_owner" AS "_d_owner"
  FROM "t9" AS "t10"
) AS "t13"
LEFT OUTER JOIN "t9" AS "t11"
  ON "t3"."_pid" = "t11"."_apid"
  AND "t13"."_d_owner" IS NOT DISTINCT FROM "t11"."_a_d_owner";
