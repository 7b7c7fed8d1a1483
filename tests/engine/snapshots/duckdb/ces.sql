-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- ces · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."points", 0.0) / NULLIF(COALESCE("t10"."answers", 0.0), 0) AS "value",
  COALESCE("t10"."points", 0.0) AS "numerator",
  COALESCE("t10"."answers", 0.0) AS "denominator",
  "t10"."points_v" AS "median"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."points") AS "points",
    SUM("t8"."answers") AS "answers",
    QUANTILE_CONT("t8"."points_v", 0.5) AS "points_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_m_points" AS "points",
      "t7"."_m_answers" AS "answers",
      "t7"."_m_points_v" AS "points_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t2"."id",
          "t2"."external_id",
          "t2"."account_id",
          "t2"."ticket_id",
          "t2"."kind",
          "t2"."score",
          "t2"."scale_min",
          "t2"."scale_max",
          "t2"."high_is_good",
          "t2"."answered_at",
          "t2"."comment",
          COALESCE(
            CASE
              WHEN "t2"."high_is_good"
              THEN (
                (
                  CAST("t2"."score" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE)
                ) * 100.0
              ) / NULLIF(CAST("t2"."scale_max" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE), 0)
              ELSE 100.0 - (
                (
                  (
                    CAST("t2"."score" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE)
                  ) * 100.0
                ) / NULLIF(CAST("t2"."scale_max" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE), 0)
              )
            END,
            0.0
          ) AS "_m_points",
          CAST(CASE
            WHEN COALESCE(
              CASE
                WHEN "t2"."high_is_good"
                THEN (
                  (
                    CAST("t2"."score" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE)
                  ) * 100.0
                ) / NULLIF(CAST("t2"."scale_max" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE), 0)
                ELSE 100.0 - (
                  (
                    (
                      CAST("t2"."score" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE)
                    ) * 100.0
                  ) / NULLIF(CAST("t2"."scale_max" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE), 0)
                )
              END IS NOT NULL,
              FALSE
            )
            THEN 1
            ELSE 0
          END AS DOUBLE) AS "_m_answers",
          CASE
            WHEN "t2"."high_is_good"
            THEN (
              (
                CAST("t2"."score" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE)
              ) * 100.0
            ) / NULLIF(CAST("t2"."scale_max" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE), 0)
            ELSE 100.0 - (
              (
                (
                  CAST("t2"."score" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE)
                ) * 100.0
              ) / NULLIF(CAST("t2"."scale_max" AS DOUBLE) - CAST("t2"."scale_min" AS DOUBLE), 0)
            )
          END AS "_m_points_v"
        FROM "survey_responses" AS "t2"
        WHERE
          "t2"."kind" = 'ces'
      ) AS "t5"
      WHERE
        (
          (
            "t5"."answered_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."answered_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."answered_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."answered_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."answered_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t3"."_pid" = "t10"."_apid";

-- ces · duckdb · monthly, company scope, by owner
WITH "t18" AS (
  SELECT
    "t17"."_pid" AS "_apid",
    "t17"."_d_owner" AS "_a_d_owner",
    SUM("t17"."points") AS "points",
    SUM("t17"."answers") AS "answers",
    QUANTILE_CONT("t17"."points_v", 0.5) AS "points_v"
  FROM (
    SELECT
      "t6"."_pid",
      "t16"."_d_owner",
      "t16"."_m_points" AS "points",
      "t16"."_m_answers" AS "answers",
      "t16"."_m_points_v" AS "points_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t13"."id",
          "t13"."external_id",
          "t13"."account_id",
          "t13"."ticket_id",
          "t13"."kind",
          "t13"."score",
          "t13"."scale_min",
          "t13"."scale_max",
          "t13"."high_is_good",
          "t13"."answered_at",
          "t13"."comment",
          "t13"."_owner",
          "t13"."_d_owner",
          COALESCE(
            CASE
              WHEN "t13"."high_is_good"
              THEN (
                (
                  CAST("t13"."score" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE)
                ) * 100.0
              ) / NULLIF(CAST("t13"."scale_max" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE), 0)
              ELSE 100.0 - (
                (
                  (
                    CAST("t13"."score" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE)
                  ) * 100.0
                ) / NULLIF(CAST("t13"."scale_max" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE), 0)
              )
            END,
            0.0
          ) AS "_m_points",
          CAST(CASE
            WHEN COALESCE(
              CASE
                WHEN "t13"."high_is_good"
                THEN (
                  (
                    CAST("t13"."score" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE)
                  ) * 100.0
                ) / NULLIF(CAST("t13"."scale_max" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE), 0)
                ELSE 100.0 - (
                  (
                    (
                      CAST("t13"."score" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE)
                    ) * 100.0
                  ) / NULLIF(CAST("t13"."scale_max" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE), 0)
                )
              END IS NOT NULL,
              FALSE
            )
            THEN 1
            ELSE 0
          END AS DOUBLE) AS "_m_answers",
          CASE
            WHEN "t13"."high_is_good"
            THEN (
              (
                CAST("t13"."score" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE)
              ) * 100.0
            ) / NULLIF(CAST("t13"."scale_max" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE), 0)
            ELSE 100.0 - (
              (
                (
                  CAST("t13"."score" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE)
                ) * 100.0
              ) / NULLIF(CAST("t13"."scale_max" AS DOUBLE) - CAST("t13"."scale_min" AS DOUBLE), 0)
            )
          END AS "_m_points_v"
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
            COALESCE("t10"."_lk1_owner_id", "t11"."_lk2_owner_id") AS "_owner",
            COALESCE("t10"."_lk1_owner_id", "t11"."_lk2_owner_id") AS "_d_owner"
          FROM (
            SELECT
              *
            FROM "survey_responses" AS "t2"
            WHERE
              "t2"."kind" = 'ces'
          ) AS "t12"
          LEFT OUTER JOIN (
            SELECT
              "t3"."id" AS "_lk1_key",
              "t3"."owner_id" AS "_lk1_owner_id"
            FROM "accounts" AS "t3"
          ) AS "t10"
            ON "t12"."account_id" = "t10"."_lk1_key"
          LEFT OUTER JOIN (
            SELECT
              "t4"."id" AS "_lk2_key",
              "t4"."owner_id" AS "_lk2_owner_id"
            FROM "tickets" AS "t4"
          ) AS "t11"
            ON "t12"."ticket_id" = "t11"."_lk2_key"
        ) AS "t13"
      ) AS "t14"
      WHERE
        (
          (
            "t14"."answered_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t14"."answered_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t14"."answered_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t14"."answered_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t16"
    INNER JOIN "pulso_period_slots" AS "t6"
      ON CAST(FLOOR((
        EPOCH_US("t16"."answered_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t6"."_slot"
  ) AS "t17"
  GROUP BY
    1,
    2
)
SELECT
  "t5"."_pid",
  "t22"."_d_owner" AS "owner",
  COALESCE("t20"."points", 0.0) / NULLIF(COALESCE("t20"."answers", 0.0), 0) AS "value",
  COALESCE("t20"."points", 0.0) AS "numerator",
  COALESCE("t20"."answers", 0.0) AS "denominator",
  "t20"."points_v" AS "median"
FROM "pulso_periods" AS "t5"
CROSS JOIN (
  SELECT DISTINCT
    "t19"."_a_d_owner" AS "_d_owner"
  FROM "t18" AS "t19"
) AS "t22"
LEFT OUTER JOIN "t18" AS "t20"
  ON "t5"."_pid" = "t20"."_apid"
  AND "t22"."_d_owner" IS NOT DISTINCT FROM "t20"."_a_d_owner";
