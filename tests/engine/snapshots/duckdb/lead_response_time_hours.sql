-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- lead_response_time_hours · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t11"."hours", 0.0) / NULLIF(COALESCE("t11"."answered", 0.0), 0) AS "value",
  COALESCE("t11"."hours", 0.0) AS "numerator",
  COALESCE("t11"."answered", 0.0) AS "denominator",
  "t11"."hours_v" AS "median",
  COALESCE("t11"."unanswered", 0.0) AS "unanswered"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t9"."_pid" AS "_apid",
    SUM("t9"."hours") AS "hours",
    SUM("t9"."answered") AS "answered",
    SUM("t9"."unanswered") AS "unanswered",
    QUANTILE_CONT("t9"."hours_v", 0.5) AS "hours_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t8"."_m_hours" AS "hours",
      "t8"."_m_answered" AS "answered",
      "t8"."_m_unanswered" AS "unanswered",
      "t8"."_m_hours_v" AS "hours_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t5"."id",
          "t5"."created_at",
          "t5"."owner_id",
          "t5"."source",
          "t5"."campaign_id",
          "t5"."_first_out",
          COALESCE(
            (
              CAST(EPOCH_US("t5"."_first_out") - EPOCH_US("t5"."created_at") AS DOUBLE) / 1000000.0
            ) / 3600.0,
            0.0
          ) AS "_m_hours",
          CAST(CASE WHEN COALESCE("t5"."_first_out" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_answered",
          CAST(CASE WHEN COALESCE("t5"."_first_out" IS NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_unanswered",
          (
            CAST(EPOCH_US("t5"."_first_out") - EPOCH_US("t5"."created_at") AS DOUBLE) / 1000000.0
          ) / 3600.0 AS "_m_hours_v"
        FROM (
          SELECT
            *
          FROM "pulso_fact_lead_first_outbound" AS "t2"
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
        ) AS "t5"
      ) AS "t6"
      WHERE
        (
          (
            "t6"."created_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t6"."created_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t6"."created_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t6"."created_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t8"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t8"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t9"
  GROUP BY
    1
) AS "t11"
  ON "t3"."_pid" = "t11"."_apid";

-- lead_response_time_hours · duckdb · monthly, company scope, by owner
WITH "t11" AS (
  SELECT
    "t10"."_pid" AS "_apid",
    "t10"."_d_owner" AS "_a_d_owner",
    SUM("t10"."hours") AS "hours",
    SUM("t10"."answered") AS "answered",
    SUM("t10"."unanswered") AS "unanswered",
    QUANTILE_CONT("t10"."hours_v", 0.5) AS "hours_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t9"."_d_owner",
      "t9"."_m_hours" AS "hours",
      "t9"."_m_answered" AS "answered",
      "t9"."_m_unanswered" AS "unanswered",
      "t9"."_m_hours_v" AS "hours_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t6"."id",
          "t6"."created_at",
          "t6"."owner_id",
          "t6"."source",
          "t6"."campaign_id",
          "t6"."_first_out",
          "t6"."_owner",
          "t6"."_d_owner",
          COALESCE(
            (
              CAST(EPOCH_US("t6"."_first_out") - EPOCH_US("t6"."created_at") AS DOUBLE) / 1000000.0
            ) / 3600.0,
            0.0
          ) AS "_m_hours",
          CAST(CASE WHEN COALESCE("t6"."_first_out" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_answered",
          CAST(CASE WHEN COALESCE("t6"."_first_out" IS NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_unanswered",
          (
            CAST(EPOCH_US("t6"."_first_out") - EPOCH_US("t6"."created_at") AS DOUBLE) / 1000000.0
          ) / 3600.0 AS "_m_hours_v"
        FROM (
          SELECT
            "t5"."id",
            "t5"."created_at",
            "t5"."owner_id",
            "t5"."source",
            "t5"."campaign_id",
            "t5"."_first_out",
            "t5"."owner_id" AS "_owner",
            "t5"."owner_id" AS "_d_owner"
          FROM (
            SELECT
              *
            FROM "pulso_fact_lead_first_outbound" AS "t2"
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
          ) AS "t5"
        ) AS "t6"
      ) AS "t7"
      WHERE
        (
          (
            "t7"."created_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t7"."created_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t7"."created_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t7"."created_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t9"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t9"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t10"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t15"."_d_owner" AS "owner",
  COALESCE("t13"."hours", 0.0) / NULLIF(COALESCE("t13"."answered", 0.0), 0) AS "value",
  COALESCE("t13"."hours", 0.0) AS "numerator",
  COALESCE("t13"."answered", 0.0) AS "denominator",
  "t13"."hours_v" AS "median",
  COALESCE("t13"."unanswered", 0.0) AS "unanswered"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t12"."_a_d_owner" AS "_d_owner"
  FROM "t11" AS "t12"
) AS "t15"
LEFT OUTER JOIN "t11" AS "t13"
  ON "t3"."_pid" = "t13"."_apid"
  AND "t15"."_d_owner" IS NOT DISTINCT FROM "t13"."_a_d_owner";
