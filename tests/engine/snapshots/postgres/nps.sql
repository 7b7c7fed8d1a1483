-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- nps · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  (
    CAST(COALESCE("t8"."net", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."answers", 0.0), 0)
  ) * 100.0 AS "value",
  COALESCE("t8"."net", 0.0) AS "numerator",
  COALESCE("t8"."answers", 0.0) AS "denominator",
  COALESCE("t8"."promoters", 0.0) AS "promoters",
  COALESCE("t8"."detractors", 0.0) AS "detractors"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."net") AS "net",
    SUM("t6"."answers") AS "answers",
    SUM("t6"."promoters") AS "promoters",
    SUM("t6"."detractors") AS "detractors"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_net" AS "net",
      "t5"."_m_answers" AS "answers",
      "t5"."_m_promoters" AS "promoters",
      "t5"."_m_detractors" AS "detractors"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."account_id",
        "t1"."ticket_id",
        "t1"."kind",
        "t1"."score",
        "t1"."scale_min",
        "t1"."scale_max",
        "t1"."high_is_good",
        "t1"."answered_at",
        "t1"."comment",
        CAST(CASE WHEN COALESCE("t1"."score" >= 9, FALSE) THEN 1 ELSE 0 END - CASE WHEN COALESCE("t1"."score" <= 6, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_net",
        CAST(1 AS DOUBLE PRECISION) AS "_m_answers",
        CAST(CASE WHEN COALESCE("t1"."score" >= 9, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_promoters",
        CAST(CASE WHEN COALESCE("t1"."score" <= 6, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_detractors"
      FROM "survey_responses" AS "t1"
      WHERE
        "t1"."kind" = 'nps'
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."answered_at" >= "t3"."_p_start" AND "t5"."answered_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- nps · postgres · monthly, company scope, by owner
WITH "t16" AS (
  SELECT
    "t15"."_pid" AS "_apid",
    "t15"."_d_owner" AS "_a_d_owner",
    SUM("t15"."net") AS "net",
    SUM("t15"."answers") AS "answers",
    SUM("t15"."promoters") AS "promoters",
    SUM("t15"."detractors") AS "detractors"
  FROM (
    SELECT
      "t5"."_pid",
      "t14"."_d_owner",
      "t14"."_m_net" AS "net",
      "t14"."_m_answers" AS "answers",
      "t14"."_m_promoters" AS "promoters",
      "t14"."_m_detractors" AS "detractors"
    FROM (
      SELECT
        "t12"."id",
        "t12"."external_id",
        "t12"."account_id",
        "t12"."ticket_id",
        "t12"."kind",
        "t12"."score",
        "t12"."scale_min",
        "t12"."scale_max",
        "t12"."high_is_good",
        "t12"."answered_at",
        "t12"."comment",
        "t12"."_owner",
        "t12"."_d_owner",
        CAST(CASE WHEN COALESCE("t12"."score" >= 9, FALSE) THEN 1 ELSE 0 END - CASE WHEN COALESCE("t12"."score" <= 6, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_net",
        CAST(1 AS DOUBLE PRECISION) AS "_m_answers",
        CAST(CASE WHEN COALESCE("t12"."score" >= 9, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_promoters",
        CAST(CASE WHEN COALESCE("t12"."score" <= 6, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_detractors"
      FROM (
        SELECT
          "t11"."id",
          "t11"."external_id",
          "t11"."account_id",
          "t11"."ticket_id",
          "t11"."kind",
          "t11"."score",
          "t11"."scale_min",
          "t11"."scale_max",
          "t11"."high_is_good",
          "t11"."answered_at",
          "t11"."comment",
          COALESCE("t9"."_lk1_owner_id", "t10"."_lk2_owner_id") AS "_owner",
          COALESCE("t9"."_lk1_owner_id", "t10"."_lk2_owner_id") AS "_d_owner"
        FROM (
          SELECT
            *
          FROM "survey_responses" AS "t1"
          WHERE
            "t1"."kind" = 'nps'
        ) AS "t11"
        LEFT OUTER JOIN (
          SELECT
            "t2"."id" AS "_lk1_key",
            "t2"."owner_id" AS "_lk1_owner_id"
          FROM "accounts" AS "t2"
        ) AS "t9"
          ON "t11"."account_id" = "t9"."_lk1_key"
        LEFT OUTER JOIN (
          SELECT
            "t3"."id" AS "_lk2_key",
            "t3"."owner_id" AS "_lk2_owner_id"
          FROM "tickets" AS "t3"
        ) AS "t10"
          ON "t11"."ticket_id" = "t10"."_lk2_key"
      ) AS "t12"
    ) AS "t14"
    INNER JOIN "pulso_periods" AS "t5"
      ON "t14"."answered_at" >= "t5"."_p_start" AND "t14"."answered_at" < "t5"."_p_end"
  ) AS "t15"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t20"."_d_owner" AS "owner",
  (
    CAST(COALESCE("t18"."net", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t18"."answers", 0.0), 0)
  ) * 100.0 AS "value",
  COALESCE("t18"."net", 0.0) AS "numerator",
  COALESCE("t18"."answers", 0.0) AS "denominator",
  COALESCE("t18"."promoters", 0.0) AS "promoters",
  COALESCE("t18"."detractors", 0.0) AS "detractors"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t17"."_a_d_owner" AS "_d_owner"
  FROM "t16" AS "t17"
) AS "t20"
LEFT OUTER JOIN "t16" AS "t18"
  ON "t4"."_pid" = "t18"."_apid"
  AND "t20"."_d_owner" IS NOT DISTINCT FROM "t18"."_a_d_owner";
