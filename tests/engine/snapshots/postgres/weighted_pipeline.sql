-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- weighted_pipeline · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t14"."weighted", 0.0) AS "value",
  COALESCE("t14"."weighted", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t12"."_pid" AS "_apid",
    SUM("t12"."weighted") AS "weighted"
  FROM (
    SELECT
      "t4"."_pid",
      "t11"."_m_weighted" AS "weighted"
    FROM (
      SELECT
        "t9"."id",
        "t9"."external_id",
        "t9"."account_id",
        "t9"."lead_id",
        "t9"."owner_id",
        "t9"."title",
        "t9"."amount",
        "t9"."currency",
        "t9"."stage_id",
        "t9"."status",
        "t9"."kind",
        "t9"."created_at",
        "t9"."expected_close_at",
        "t9"."closed_at",
        "t9"."lost_reason",
        "t9"."campaign_id",
        "t9"."search_text",
        "t9"."product",
        "t9"."_probability",
        COALESCE(CAST("t9"."amount" AS DOUBLE PRECISION), 0.0) * COALESCE(CAST("t9"."_probability" AS DOUBLE PRECISION), 0.0) AS "_m_weighted"
      FROM (
        SELECT
          "t8"."id",
          "t8"."external_id",
          "t8"."account_id",
          "t8"."lead_id",
          "t8"."owner_id",
          "t8"."title",
          "t8"."amount",
          "t8"."currency",
          "t8"."stage_id",
          "t8"."status",
          "t8"."kind",
          "t8"."created_at",
          "t8"."expected_close_at",
          "t8"."closed_at",
          "t8"."lost_reason",
          "t8"."campaign_id",
          "t8"."search_text",
          "t8"."product",
          "t8"."_probability"
        FROM (
          SELECT
            "t5"."id",
            "t5"."external_id",
            "t5"."account_id",
            "t5"."lead_id",
            "t5"."owner_id",
            "t5"."title",
            "t5"."amount",
            "t5"."currency",
            "t5"."stage_id",
            "t5"."status",
            "t5"."kind",
            "t5"."created_at",
            "t5"."expected_close_at",
            "t5"."closed_at",
            "t5"."lost_reason",
            "t5"."campaign_id",
            "t5"."search_text",
            "t5"."product",
            "t7"."_sid",
            "t7"."_probability"
          FROM "deals" AS "t5"
          LEFT OUTER JOIN (
            SELECT
              "t2"."id" AS "_sid",
              "t2"."probability" AS "_probability"
            FROM "stages" AS "t2"
          ) AS "t7"
            ON "t5"."stage_id" = "t7"."_sid"
        ) AS "t8"
      ) AS "t9"
    ) AS "t11"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t11"."created_at" < "t4"."_p_end"
      AND COALESCE("t11"."closed_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t4"."_p_end"
  ) AS "t12"
  GROUP BY
    1
) AS "t14"
  ON "t3"."_pid" = "t14"."_apid";

-- weighted_pipeline · postgres · monthly, company scope, by owner
WITH "t13" AS (
  SELECT
    "t12"."_pid" AS "_apid",
    "t12"."_d_owner" AS "_a_d_owner",
    SUM("t12"."weighted") AS "weighted"
  FROM (
    SELECT
      "t4"."_pid",
      "t11"."_d_owner",
      "t11"."_m_weighted" AS "weighted"
    FROM (
      SELECT
        "t9"."id",
        "t9"."external_id",
        "t9"."account_id",
        "t9"."lead_id",
        "t9"."owner_id",
        "t9"."title",
        "t9"."amount",
        "t9"."currency",
        "t9"."stage_id",
        "t9"."status",
        "t9"."kind",
        "t9"."created_at",
        "t9"."expected_close_at",
        "t9"."closed_at",
        "t9"."lost_reason",
        "t9"."campaign_id",
        "t9"."search_text",
        "t9"."product",
        "t9"."_probability",
        "t9"."owner_id" AS "_owner",
        "t9"."owner_id" AS "_d_owner",
        COALESCE(CAST("t9"."amount" AS DOUBLE PRECISION), 0.0) * COALESCE(CAST("t9"."_probability" AS DOUBLE PRECISION), 0.0) AS "_m_weighted"
      FROM (
        SELECT
          "t8"."id",
          "t8"."external_id",
          "t8"."account_id",
          "t8"."lead_id",
          "t8"."owner_id",
          "t8"."title",
          "t8"."amount",
          "t8"."currency",
          "t8"."stage_id",
          "t8"."status",
          "t8"."kind",
          "t8"."created_at",
          "t8"."expected_close_at",
          "t8"."closed_at",
          "t8"."lost_reason",
          "t8"."campaign_id",
          "t8"."search_text",
          "t8"."product",
          "t8"."_probability"
        FROM (
          SELECT
            "t5"."id",
            "t5"."external_id",
            "t5"."account_id",
            "t5"."lead_id",
            "t5"."owner_id",
            "t5"."title",
            "t5"."amount",
            "t5"."currency",
            "t5"."stage_id",
            "t5"."status",
            "t5"."kind",
            "t5"."created_at",
            "t5"."expected_close_at",
            "t5"."closed_at",
            "t5"."lost_reason",
            "t5"."campaign_id",
            "t5"."search_text",
            "t5"."product",
            "t7"."_sid",
            "t7"."_probability"
          FROM "deals" AS "t5"
          LEFT OUTER JOIN (
            SELECT
              "t2"."id" AS "_sid",
              "t2"."probability" AS "_probability"
            FROM "stages" AS "t2"
          ) AS "t7"
            ON "t5"."stage_id" = "t7"."_sid"
        ) AS "t8"
      ) AS "t9"
    ) AS "t11"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t11"."created_at" < "t4"."_p_end"
      AND COALESCE("t11"."closed_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) >= "t4"."_p_end"
  ) AS "t12"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t17"."_d_owner" AS "owner",
  COALESCE("t15"."weighted", 0.0) AS "value",
  COALESCE("t15"."weighted", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t14"."_a_d_owner" AS "_d_owner"
  FROM "t13" AS "t14"
) AS "t17"
LEFT OUTER JOIN "t13" AS "t15"
  ON "t3"."_pid" = "t15"."_apid"
  AND "t17"."_d_owner" IS NOT DISTINCT FROM "t15"."_a_d_owner";
