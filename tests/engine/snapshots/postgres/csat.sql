-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- csat · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t8"."satisfied", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."answers", 0.0), 0) AS "value",
  COALESCE("t8"."satisfied", 0.0) AS "numerator",
  COALESCE("t8"."answers", 0.0) AS "denominator",
  CAST(COALESCE("t8"."points", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."scored", 0.0), 0) AS "mean_score"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."satisfied") AS "satisfied",
    SUM("t6"."answers") AS "answers",
    SUM("t6"."points") AS "points",
    SUM("t6"."scored") AS "scored"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_satisfied" AS "satisfied",
      "t5"."_m_answers" AS "answers",
      "t5"."_m_points" AS "points",
      "t5"."_m_scored" AS "scored"
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
        CAST(CASE
          WHEN COALESCE(
            CASE
              WHEN "t1"."high_is_good"
              THEN "t1"."score" >= (
                "t1"."scale_max" - 1
              )
              ELSE "t1"."score" <= (
                "t1"."scale_min" + 1
              )
            END,
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_satisfied",
        CAST(1 AS DOUBLE PRECISION) AS "_m_answers",
        COALESCE(
          CASE
            WHEN "t1"."high_is_good"
            THEN CAST((
              (
                CAST("t1"."score" AS DOUBLE PRECISION) - CAST("t1"."scale_min" AS DOUBLE PRECISION)
              ) * 100.0
            ) AS DOUBLE PRECISION) / NULLIF(
              CAST("t1"."scale_max" AS DOUBLE PRECISION) - CAST("t1"."scale_min" AS DOUBLE PRECISION),
              0
            )
            ELSE 100.0 - (
              CAST((
                (
                  CAST("t1"."score" AS DOUBLE PRECISION) - CAST("t1"."scale_min" AS DOUBLE PRECISION)
                ) * 100.0
              ) AS DOUBLE PRECISION) / NULLIF(
                CAST("t1"."scale_max" AS DOUBLE PRECISION) - CAST("t1"."scale_min" AS DOUBLE PRECISION),
                0
              )
            )
          END,
          0.0
        ) AS "_m_points",
        CAST(CASE
          WHEN COALESCE(
            CASE
              WHEN "t1"."high_is_good"
              THEN CAST((
                (
                  CAST("t1"."score" AS DOUBLE PRECISION) - CAST("t1"."scale_min" AS DOUBLE PRECISION)
                ) * 100.0
              ) AS DOUBLE PRECISION) / NULLIF(
                CAST("t1"."scale_max" AS DOUBLE PRECISION) - CAST("t1"."scale_min" AS DOUBLE PRECISION),
                0
              )
              ELSE 100.0 - (
                CAST((
                  (
                    CAST("t1"."score" AS DOUBLE PRECISION) - CAST("t1"."scale_min" AS DOUBLE PRECISION)
                  ) * 100.0
                ) AS DOUBLE PRECISION) / NULLIF(
                  CAST("t1"."scale_max" AS DOUBLE PRECISION) - CAST("t1"."scale_min" AS DOUBLE PRECISION),
                  0
                )
              )
            END IS NOT NULL,
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_scored"
      FROM "survey_responses" AS "t1"
      WHERE
        "t1"."kind" = 'csat'
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."answered_at" >= "t3"."_p_start" AND "t5"."answered_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- csat · postgres · monthly, company scope, by owner
WITH "t16" AS (
  SELECT
    "t15"."_pid" AS "_apid",
    "t15"."_d_owner" AS "_a_d_owner",
    SUM("t15"."satisfied") AS "satisfied",
    SUM("t15"."answers") AS "answers",
    SUM("t15"."points") AS "points",
    SUM("t15"."scored") AS "scored"
  FROM (
    SELECT
      "t5"."_pid",
      "t14"."_d_owner",
      "t14"."_m_satisfied" AS "satisfied",
      "t14"."_m_answers" AS "answers",
      "t14"."_m_points" AS "points",
      "t14"."_m_scored" AS "scored"
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
        CAST(CASE
          WHEN COALESCE(
            CASE
              WHEN "t12"."high_is_good"
              THEN "t12"."score" >= (
                "t12"."scale_max" - 1
              )
              ELSE "t12"."score" <= (
                "t12"."scale_min" + 1
              )
            END,
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_satisfied",
        CAST(1 AS DOUBLE PRECISION) AS "_m_answers",
        COALESCE(
          CASE
            WHEN "t12"."high_is_good"
            THEN CAST((
              (
                CAST("t12"."score" AS DOUBLE PRECISION) - CAST("t12"."scale_min" AS DOUBLE PRECISION)
              ) * 100.0
            ) AS DOUBLE PRECISION) / NULLIF(
              CAST("t12"."scale_max" AS DOUBLE PRECISION) - CAST("t12"."scale_min" AS DOUBLE PRECISION),
              0
            )
            ELSE 100.0 - (
              CAST((
                (
                  CAST("t12"."score" AS DOUBLE PRECISION) - CAST("t12"."scale_min" AS DOUBLE PRECISION)
                ) * 100.0
              ) AS DOUBLE PRECISION) / NULLIF(
                CAST("t12"."scale_max" AS DOUBLE PRECISION) - CAST("t12"."scale_min" AS DOUBLE PRECISION),
                0
              )
            )
          END,
          0.0
        ) AS "_m_points",
        CAST(CASE
          WHEN COALESCE(
            CASE
              WHEN "t12"."high_is_good"
              THEN CAST((
                (
                  CAST("t12"."score" AS DOUBLE PRECISION) - CAST("t12"."scale_min" AS DOUBLE PRECISION)
                ) * 100.0
              ) AS DOUBLE PRECISION) / NULLIF(
                CAST("t12"."scale_max" AS DOUBLE PRECISION) - CAST("t12"."scale_min" AS DOUBLE PRECISION),
                0
              )
              ELSE 100.0 - (
                CAST((
                  (
                    CAST("t12"."score" AS DOUBLE PRECISION) - CAST("t12"."scale_min" AS DOUBLE PRECISION)
                  ) * 100.0
                ) AS DOUBLE PRECISION) / NULLIF(
                  CAST("t12"."scale_max" AS DOUBLE PRECISION) - CAST("t12"."scale_min" AS DOUBLE PRECISION),
                  0
                )
              )
            END IS NOT NULL,
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_scored"
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
            "t1"."kind" = 'csat'
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
  CAST(COALESCE("t18"."satisfied", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t18"."answers", 0.0), 0) AS "value",
  COALESCE("t18"."satisfied", 0.0) AS "numerator",
  COALESCE("t18"."answers", 0.0) AS "denominator",
  CAST(COALESCE("t18"."points", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t18"."scored", 0.0), 0) AS "mean_score"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t17"."_a_d_owner" AS "_d_owner"
  FROM "t16" AS "t17"
) AS "t20"
LEFT OUTER JOIN "t16" AS "t18"
  ON "t4"."_pid" = "t18"."_apid"
  AND "t20"."_d_owner" IS NOT DISTINCT FROM "t18"."_a_d_owner";
