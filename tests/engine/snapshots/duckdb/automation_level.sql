-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- automation_level · duckdb · monthly, company scope, no split
SELECT
  "t4"."_pid",
  COALESCE("t16"."automated", 0.0) / NULLIF(COALESCE("t16"."all", 0.0), 0) AS "value",
  COALESCE("t16"."automated", 0.0) AS "numerator",
  COALESCE("t16"."all", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t14"."_pid" AS "_apid",
    SUM("t14"."automated") AS "automated",
    SUM("t14"."all") AS "all"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t10"."_m_automated" AS "automated",
        "t10"."_m_all" AS "all"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."type",
            "t2"."direction",
            "t2"."owner_id",
            "t2"."account_id",
            "t2"."lead_id",
            "t2"."deal_id",
            "t2"."ticket_id",
            "t2"."occurred_at",
            "t2"."duration_s",
            "t2"."automated",
            "t2"."outcome",
            "t2"."due_at",
            "t2"."done_at",
            CAST(CASE WHEN COALESCE("t2"."automated", FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_automated",
            CAST(1 AS DOUBLE) AS "_m_all"
          FROM "activities" AS "t2"
        ) AS "t6"
        WHERE
          (
            (
              "t6"."occurred_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t6"."occurred_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t6"."occurred_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t6"."occurred_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t10"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t10"."occurred_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t11"."_m_automated" AS "automated",
        "t11"."_m_all" AS "all"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t3"."id",
            "t3"."external_id",
            "t3"."account_id",
            "t3"."owner_id",
            "t3"."channel",
            "t3"."priority",
            "t3"."status",
            "t3"."opened_at",
            "t3"."first_response_at",
            "t3"."first_response_automated",
            "t3"."resolved_at",
            CAST(CASE WHEN COALESCE("t3"."first_response_automated", FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_automated",
            CAST(1 AS DOUBLE) AS "_m_all"
          FROM "tickets" AS "t3"
        ) AS "t7"
        WHERE
          (
            (
              "t7"."first_response_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t7"."first_response_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t7"."first_response_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t7"."first_response_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t11"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t11"."first_response_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t13"
  ) AS "t14"
  GROUP BY
    1
) AS "t16"
  ON "t4"."_pid" = "t16"."_apid";

-- automation_level · duckdb · monthly, company scope, by owner
WITH "t15" AS (
  SELECT
    "t14"."_pid" AS "_apid",
    "t14"."_d_owner" AS "_a_d_owner",
    SUM("t14"."automated") AS "automated",
    SUM("t14"."all") AS "all"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t10"."_d_owner",
        "t10"."_m_automated" AS "automated",
        "t10"."_m_all" AS "all"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."type",
            "t2"."direction",
            "t2"."owner_id",
            "t2"."account_id",
            "t2"."lead_id",
            "t2"."deal_id",
            "t2"."ticket_id",
            "t2"."occurred_at",
            "t2"."duration_s",
            "t2"."automated",
            "t2"."outcome",
            "t2"."due_at",
            "t2"."done_at",
            "t2"."owner_id" AS "_owner",
            "t2"."owner_id" AS "_d_owner",
            CAST(CASE WHEN COALESCE("t2"."automated", FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_automated",
            CAST(1 AS DOUBLE) AS "_m_all"
          FROM "activities" AS "t2"
        ) AS "t6"
        WHERE
          (
            (
              "t6"."occurred_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t6"."occurred_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t6"."occurred_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t6"."occurred_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t10"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t10"."occurred_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t11"."_d_owner",
        "t11"."_m_automated" AS "automated",
        "t11"."_m_all" AS "all"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t3"."id",
            "t3"."external_id",
            "t3"."account_id",
            "t3"."owner_id",
            "t3"."channel",
            "t3"."priority",
            "t3"."status",
            "t3"."opened_at",
            "t3"."first_response_at",
            "t3"."first_response_automated",
            "t3"."resolved_at",
            "t3"."owner_id" AS "_owner",
            "t3"."owner_id" AS "_d_owner",
            CAST(CASE WHEN COALESCE("t3"."first_response_automated", FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_automated",
            CAST(1 AS DOUBLE) AS "_m_all"
          FROM "tickets" AS "t3"
        ) AS "t7"
        WHERE
          (
            (
              "t7"."first_response_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t7"."first_response_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t7"."first_response_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t7"."first_response_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t11"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t11"."first_response_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t13"
  ) AS "t14"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t19"."_d_owner" AS "owner",
  COALESCE("t17"."automated", 0.0) / NULLIF(COALESCE("t17"."all", 0.0), 0) AS "value",
  COALESCE("t17"."automated", 0.0) AS "numerator",
  COALESCE("t17"."all", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t16"."_a_d_owner" AS "_d_owner"
  FROM "t15" AS "t16"
) AS "t19"
LEFT OUTER JOIN "t15" AS "t17"
  ON "t4"."_pid" = "t17"."_apid"
  AND "t19"."_d_owner" IS NOT DISTINCT FROM "t17"."_a_d_owner";
