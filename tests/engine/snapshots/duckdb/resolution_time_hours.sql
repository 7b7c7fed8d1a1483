-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- resolution_time_hours · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."hours", 0.0) / NULLIF(COALESCE("t10"."tickets", 0.0), 0) AS "value",
  COALESCE("t10"."hours", 0.0) AS "numerator",
  COALESCE("t10"."tickets", 0.0) AS "denominator",
  "t10"."hours_v" AS "median"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."hours") AS "hours",
    SUM("t8"."tickets") AS "tickets",
    QUANTILE_CONT("t8"."hours_v", 0.5) AS "hours_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_m_hours" AS "hours",
      "t7"."_m_tickets" AS "tickets",
      "t7"."_m_hours_v" AS "hours_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t2"."id",
          "t2"."external_id",
          "t2"."account_id",
          "t2"."owner_id",
          "t2"."channel",
          "t2"."priority",
          "t2"."status",
          "t2"."opened_at",
          "t2"."first_response_at",
          "t2"."first_response_automated",
          "t2"."resolved_at",
          (
            CAST(EPOCH_US("t2"."resolved_at") - EPOCH_US("t2"."opened_at") AS DOUBLE) / 1000000.0
          ) / 3600.0 AS "_m_hours",
          CAST(1 AS DOUBLE) AS "_m_tickets",
          (
            CAST(EPOCH_US("t2"."resolved_at") - EPOCH_US("t2"."opened_at") AS DOUBLE) / 1000000.0
          ) / 3600.0 AS "_m_hours_v"
        FROM "tickets" AS "t2"
      ) AS "t5"
      WHERE
        (
          (
            "t5"."resolved_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."resolved_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."resolved_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."resolved_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."resolved_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t3"."_pid" = "t10"."_apid";

-- resolution_time_hours · duckdb · monthly, company scope, by owner
WITH "t10" AS (
  SELECT
    "t9"."_pid" AS "_apid",
    "t9"."_d_owner" AS "_a_d_owner",
    SUM("t9"."hours") AS "hours",
    SUM("t9"."tickets") AS "tickets",
    QUANTILE_CONT("t9"."hours_v", 0.5) AS "hours_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t8"."_d_owner",
      "t8"."_m_hours" AS "hours",
      "t8"."_m_tickets" AS "tickets",
      "t8"."_m_hours_v" AS "hours_v"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t5"."id",
          "t5"."external_id",
          "t5"."account_id",
          "t5"."owner_id",
          "t5"."channel",
          "t5"."priority",
          "t5"."status",
          "t5"."opened_at",
          "t5"."first_response_at",
          "t5"."first_response_automated",
          "t5"."resolved_at",
          "t5"."_owner",
          "t5"."_d_owner",
          (
            CAST(EPOCH_US("t5"."resolved_at") - EPOCH_US("t5"."opened_at") AS DOUBLE) / 1000000.0
          ) / 3600.0 AS "_m_hours",
          CAST(1 AS DOUBLE) AS "_m_tickets",
          (
            CAST(EPOCH_US("t5"."resolved_at") - EPOCH_US("t5"."opened_at") AS DOUBLE) / 1000000.0
          ) / 3600.0 AS "_m_hours_v"
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."account_id",
            "t2"."owner_id",
            "t2"."channel",
            "t2"."priority",
            "t2"."status",
            "t2"."opened_at",
            "t2"."first_response_at",
            "t2"."first_response_automated",
            "t2"."resolved_at",
            "t2"."owner_id" AS "_owner",
            "t2"."owner_id" AS "_d_owner"
          FROM "tickets" AS "t2"
        ) AS "t5"
      ) AS "t6"
      WHERE
        (
          (
            "t6"."resolved_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t6"."resolved_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t6"."resolved_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t6"."resolved_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t8"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t8"."resolved_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t9"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t14"."_d_owner" AS "owner",
  COALESCE("t12"."hours", 0.0) / NULLIF(COALESCE("t12"."tickets", 0.0), 0) AS "value",
  COALESCE("t12"."hours", 0.0) AS "numerator",
  COALESCE("t12"."tickets", 0.0) AS "denominator",
  "t12"."hours_v" AS "median"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t11"."_a_d_owner" AS "_d_owner"
  FROM "t10" AS "t11"
) AS "t14"
LEFT OUTER JOIN "t10" AS "t12"
  ON "t3"."_pid" = "t12"."_apid"
  AND "t14"."_d_owner" IS NOT DISTINCT FROM "t12"."_a_d_owner";
