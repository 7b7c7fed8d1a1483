-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- leads_by_source · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t15"."leads", 0.0) AS "value",
  COALESCE("t15"."leads", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator",
  CAST(COALESCE("t15"."converted", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t15"."leads", 0.0), 0) AS "conversion_rate",
  COALESCE("t15"."won_revenue", 0.0) AS "won_revenue"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t13"."_pid" AS "_apid",
    SUM("t13"."leads") AS "leads",
    SUM("t13"."converted") AS "converted",
    SUM("t13"."won_revenue") AS "won_revenue"
  FROM (
    SELECT
      "t4"."_pid",
      "t12"."_m_leads" AS "leads",
      "t12"."_m_converted" AS "converted",
      "t12"."_m_won_revenue" AS "won_revenue"
    FROM (
      SELECT
        "t10"."id",
        "t10"."external_id",
        "t10"."name",
        "t10"."email",
        "t10"."phone",
        "t10"."company",
        "t10"."source",
        "t10"."campaign_id",
        "t10"."visitor_id",
        "t10"."owner_id",
        "t10"."created_at",
        "t10"."mql_at",
        "t10"."sql_at",
        "t10"."converted_at",
        "t10"."account_id",
        "t10"."disqualified_at",
        "t10"."disqualified_reason",
        "t10"."search_text",
        "t10"."search_phone",
        "t10"."_won_revenue",
        CAST(1 AS DOUBLE PRECISION) AS "_m_leads",
        CAST(CASE WHEN COALESCE("t10"."converted_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_converted",
        COALESCE("t10"."_won_revenue", 0.0) AS "_m_won_revenue"
      FROM (
        SELECT
          "t9"."id",
          "t9"."external_id",
          "t9"."name",
          "t9"."email",
          "t9"."phone",
          "t9"."company",
          "t9"."source",
          "t9"."campaign_id",
          "t9"."visitor_id",
          "t9"."owner_id",
          "t9"."created_at",
          "t9"."mql_at",
          "t9"."sql_at",
          "t9"."converted_at",
          "t9"."account_id",
          "t9"."disqualified_at",
          "t9"."disqualified_reason",
          "t9"."search_text",
          "t9"."search_phone",
          "t9"."_won_revenue"
        FROM (
          SELECT
            "t5"."id",
            "t5"."external_id",
            "t5"."name",
            "t5"."email",
            "t5"."phone",
            "t5"."company",
            "t5"."source",
            "t5"."campaign_id",
            "t5"."visitor_id",
            "t5"."owner_id",
            "t5"."created_at",
            "t5"."mql_at",
            "t5"."sql_at",
            "t5"."converted_at",
            "t5"."account_id",
            "t5"."disqualified_at",
            "t5"."disqualified_reason",
            "t5"."search_text",
            "t5"."search_phone",
            "t8"."_rid",
            "t8"."_won_revenue"
          FROM "leads" AS "t5"
          LEFT OUTER JOIN (
            SELECT
              "t6"."lead_id" AS "_rid",
              SUM(COALESCE(CAST("t6"."amount" AS DOUBLE PRECISION), 0.0)) AS "_won_revenue"
            FROM (
              SELECT
                *
              FROM "deals" AS "t2"
              WHERE
                "t2"."status" = 'won' AND "t2"."lead_id" IS NOT NULL
            ) AS "t6"
            GROUP BY
              1
          ) AS "t8"
            ON "t5"."id" = "t8"."_rid"
        ) AS "t9"
      ) AS "t10"
    ) AS "t12"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t12"."created_at" >= "t4"."_p_start" AND "t12"."created_at" < "t4"."_p_end"
  ) AS "t13"
  GROUP BY
    1
) AS "t15"
  ON "t3"."_pid" = "t15"."_apid";

-- leads_by_source · postgres · monthly, company scope, by owner
WITH "t14" AS (
  SELECT
    "t13"."_pid" AS "_apid",
    "t13"."_d_owner" AS "_a_d_owner",
    SUM("t13"."leads") AS "leads",
    SUM("t13"."converted") AS "converted",
    SUM("t13"."won_revenue") AS "won_revenue"
  FROM (
    SELECT
      "t4"."_pid",
      "t12"."_d_owner",
      "t12"."_m_leads" AS "leads",
      "t12"."_m_converted" AS "converted",
      "t12"."_m_won_revenue" AS "won_revenue"
    FROM (
      SELECT
        "t10"."id",
        "t10"."external_id",
        "t10"."name",
        "t10"."email",
        "t10"."phone",
        "t10"."company",
        "t10"."source",
        "t10"."campaign_id",
        "t10"."visitor_id",
        "t10"."owner_id",
        "t10"."created_at",
        "t10"."mql_at",
        "t10"."sql_at",
        "t10"."converted_at",
        "t10"."account_id",
        "t10"."disqualified_at",
        "t10"."disqualified_reason",
        "t10"."search_text",
        "t10"."search_phone",
        "t10"."_won_revenue",
        "t10"."owner_id" AS "_owner",
        "t10"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE PRECISION) AS "_m_leads",
        CAST(CASE WHEN COALESCE("t10"."converted_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_converted",
        COALESCE("t10"."_won_revenue", 0.0) AS "_m_won_revenue"
      FROM (
        SELECT
          "t9"."id",
          "t9"."external_id",
          "t9"."name",
          "t9"."email",
          "t9"."phone",
          "t9"."company",
          "t9"."source",
          "t9"."campaign_id",
          "t9"."visitor_id",
          "t9"."owner_id",
          "t9"."created_at",
          "t9"."mql_at",
          "t9"."sql_at",
          "t9"."converted_at",
          "t9"."account_id",
          "t9"."disqualified_at",
          "t9"."disqualified_reason",
          "t9"."search_text",
          "t9"."search_phone",
          "t9"."_won_revenue"
        FROM (
          SELECT
            "t5"."id",
            "t5"."external_id",
            "t5"."name",
            "t5"."email",
            "t5"."phone",
            "t5"."company",
            "t5"."source",
            "t5"."campaign_id",
            "t5"."visitor_id",
            "t5"."owner_id",
            "t5"."created_at",
            "t5"."mql_at",
            "t5"."sql_at",
            "t5"."converted_at",
            "t5"."account_id",
            "t5"."disqualified_at",
            "t5"."disqualified_reason",
            "t5"."search_text",
            "t5"."search_phone",
            "t8"."_rid",
            "t8"."_won_revenue"
          FROM "leads" AS "t5"
          LEFT OUTER JOIN (
            SELECT
              "t6"."lead_id" AS "_rid",
              SUM(COALESCE(CAST("t6"."amount" AS DOUBLE PRECISION), 0.0)) AS "_won_revenue"
            FROM (
              SELECT
                *
              FROM "deals" AS "t2"
              WHERE
                "t2"."status" = 'won' AND "t2"."lead_id" IS NOT NULL
            ) AS "t6"
            GROUP BY
              1
          ) AS "t8"
            ON "t5"."id" = "t8"."_rid"
        ) AS "t9"
      ) AS "t10"
    ) AS "t12"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t12"."created_at" >= "t4"."_p_start" AND "t12"."created_at" < "t4"."_p_end"
  ) AS "t13"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t18"."_d_owner" AS "owner",
  COALESCE("t16"."leads", 0.0) AS "value",
  COALESCE("t16"."leads", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator",
  CAST(COALESCE("t16"."converted", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t16"."leads", 0.0), 0) AS "conversion_rate",
  COALESCE("t16"."won_revenue", 0.0) AS "won_revenue"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t15"."_a_d_owner" AS "_d_owner"
  FROM "t14" AS "t15"
) AS "t18"
LEFT OUTER JOIN "t14" AS "t16"
  ON "t3"."_pid" = "t16"."_apid"
  AND "t18"."_d_owner" IS NOT DISTINCT FROM "t16"."_a_d_owner";
