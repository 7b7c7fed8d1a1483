-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- resolution_sla_rate · duckdb · monthly, company scope, no split
SELECT
  "t4"."_pid",
  COALESCE("t16"."within", 0.0) / NULLIF(COALESCE("t16"."due", 0.0), 0) AS "value",
  COALESCE("t16"."within", 0.0) AS "numerator",
  COALESCE("t16"."due", 0.0) AS "denominator",
  COALESCE("t16"."pending", 0.0) AS "pending"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t14"."_pid" AS "_apid",
    SUM("t14"."within") AS "within",
    SUM("t14"."due") AS "due",
    SUM("t14"."pending") AS "pending"
  FROM (
    SELECT
      "t5"."_pid",
      "t13"."_m_within" AS "within",
      "t13"."_m_due" AS "due",
      "t13"."_m_pending" AS "pending"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t10"."id",
          "t10"."external_id",
          "t10"."account_id",
          "t10"."owner_id",
          "t10"."channel",
          "t10"."priority",
          "t10"."status",
          "t10"."opened_at",
          "t10"."first_response_at",
          "t10"."first_response_automated",
          "t10"."resolved_at",
          "t10"."_sla_first_response",
          "t10"."_sla_resolution",
          "t10"."_now",
          CAST(CASE
            WHEN COALESCE(
              (
                "t10"."resolved_at" IS NOT NULL
              )
              AND (
                (
                  (
                    CAST(EPOCH_US("t10"."resolved_at") - EPOCH_US("t10"."opened_at") AS DOUBLE) / 1000000.0
                  ) / 3600.0
                ) <= "t10"."_sla_resolution"
              ),
              FALSE
            )
            THEN 1
            ELSE 0
          END AS DOUBLE) AS "_m_within",
          CAST(CASE
            WHEN COALESCE(
              (
                "t10"."resolved_at" IS NOT NULL
              )
              OR (
                (
                  "t10"."resolved_at" IS NULL
                )
                AND (
                  (
                    (
                      CAST(EPOCH_US("t10"."_now") - EPOCH_US("t10"."opened_at") AS DOUBLE) / 1000000.0
                    ) / 3600.0
                  ) > "t10"."_sla_resolution"
                )
              ),
              FALSE
            )
            THEN 1
            ELSE 0
          END AS DOUBLE) AS "_m_due",
          CAST(CASE
            WHEN COALESCE(
              (
                "t10"."resolved_at" IS NULL
              )
              AND NOT (
                COALESCE(
                  (
                    "t10"."resolved_at" IS NULL
                  )
                  AND (
                    (
                      (
                        CAST(EPOCH_US("t10"."_now") - EPOCH_US("t10"."opened_at") AS DOUBLE) / 1000000.0
                      ) / 3600.0
                    ) > "t10"."_sla_resolution"
                  ),
                  FALSE
                )
              ),
              FALSE
            )
            THEN 1
            ELSE 0
          END AS DOUBLE) AS "_m_pending"
        FROM (
          SELECT
            "t9"."id",
            "t9"."external_id",
            "t9"."account_id",
            "t9"."owner_id",
            "t9"."channel",
            "t9"."priority",
            "t9"."status",
            "t9"."opened_at",
            "t9"."first_response_at",
            "t9"."first_response_automated",
            "t9"."resolved_at",
            "t9"."_sla_first_response",
            "t9"."_sla_resolution",
            CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIMESTAMPTZ) AS "_now"
          FROM (
            SELECT
              "t8".*
              EXCLUDE ("_sla_priority")
            FROM (
              SELECT
                "t6"."id",
                "t6"."external_id",
                "t6"."account_id",
                "t6"."owner_id",
                "t6"."channel",
                "t6"."priority",
                "t6"."status",
                "t6"."opened_at",
                "t6"."first_response_at",
                "t6"."first_response_automated",
                "t6"."resolved_at",
                "t7"."_sla_priority",
                "t7"."_sla_first_response",
                "t7"."_sla_resolution"
              FROM "tickets" AS "t6"
              LEFT OUTER JOIN "pulso_sla" AS "t7"
                ON COALESCE("t6"."priority", '') = "t7"."_sla_priority"
            ) AS "t8"
          ) AS "t9"
        ) AS "t10"
      ) AS "t11"
      WHERE
        (
          (
            "t11"."opened_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t11"."opened_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t11"."opened_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t11"."opened_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t13"
    INNER JOIN "pulso_period_slots" AS "t5"
      ON CAST(FLOOR((
        EPOCH_US("t13"."opened_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t5"."_slot"
  ) AS "t14"
  GROUP BY
    1
) AS "t16"
  ON "t4"."_pid" = "t16"."_apid";

-- resolution_sla_rate · duckdb · monthly, company scope, by owner
WITH "t16" AS (
  SELECT
    "t15"."_pid" AS "_apid",
    "t15"."_d_owner" AS "_a_d_owner",
    SUM("t15"."within") AS "within",
    SUM("t15"."due") AS "due",
    SUM("t15"."pending") AS "pending"
  FROM (
    SELECT
      "t5"."_pid",
      "t14"."_d_owner",
      "t14"."_m_within" AS "within",
      "t14"."_m_due" AS "due",
      "t14"."_m_pending" AS "pending"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t11"."id",
          "t11"."external_id",
          "t11"."account_id",
          "t11"."owner_id",
          "t11"."channel",
          "t11"."priority",
          "t11"."status",
          "t11"."opened_at",
          "t11"."first_response_at",
          "t11"."first_response_automated",
          "t11"."resolved_at",
          "t11"."_sla_first_response",
          "t11"."_sla_resolution",
          "t11"."_now",
          "t11"."_owner",
          "t11"."_d_owner",
          CAST(CASE
            WHEN COALESCE(
              (
                "t11"."resolved_at" IS NOT NULL
              )
              AND (
                (
                  (
                    CAST(EPOCH_US("t11"."resolved_at") - EPOCH_US("t11"."opened_at") AS DOUBLE) / 1000000.0
                  ) / 3600.0
                ) <= "t11"."_sla_resolution"
              ),
              FALSE
            )
            THEN 1
            ELSE 0
          END AS DOUBLE) AS "_m_within",
          CAST(CASE
            WHEN COALESCE(
              (
                "t11"."resolved_at" IS NOT NULL
              )
              OR (
                (
                  "t11"."resolved_at" IS NULL
                )
                AND (
                  (
                    (
                      CAST(EPOCH_US("t11"."_now") - EPOCH_US("t11"."opened_at") AS DOUBLE) / 1000000.0
                    ) / 3600.0
                  ) > "t11"."_sla_resolution"
                )
              ),
              FALSE
            )
            THEN 1
            ELSE 0
          END AS DOUBLE) AS "_m_due",
          CAST(CASE
            WHEN COALESCE(
              (
                "t11"."resolved_at" IS NULL
              )
              AND NOT (
                COALESCE(
                  (
                    "t11"."resolved_at" IS NULL
                  )
                  AND (
                    (
                      (
                        CAST(EPOCH_US("t11"."_now") - EPOCH_US("t11"."opened_at") AS DOUBLE) / 1000000.0
                      ) / 3600.0
                    ) > "t11"."_sla_resolution"
                  ),
                  FALSE
                )
              ),
              FALSE
            )
            THEN 1
            ELSE 0
          END AS DOUBLE) AS "_m_pending"
        FROM (
          SELECT
            "t10"."id",
            "t10"."external_id",
            "t10"."account_id",
            "t10"."owner_id",
            "t10"."channel",
            "t10"."priority",
            "t10"."status",
            "t10"."opened_at",
            "t10"."first_response_at",
            "t10"."first_response_automated",
            "t10"."resolved_at",
            "t10"."_sla_first_response",
            "t10"."_sla_resolution",
            "t10"."_now",
            "t10"."owner_id" AS "_owner",
            "t10"."owner_id" AS "_d_owner"
          FROM (
            SELECT
              "t9"."id",
              "t9"."external_id",
              "t9"."account_id",
              "t9"."owner_id",
              "t9"."channel",
              "t9"."priority",
              "t9"."status",
              "t9"."opened_at",
              "t9"."first_response_at",
              "t9"."first_response_automated",
              "t9"."resolved_at",
              "t9"."_sla_first_response",
              "t9"."_sla_resolution",
              CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIMESTAMPTZ) AS "_now"
            FROM (
              SELECT
                "t8".*
                EXCLUDE ("_sla_priority")
              FROM (
                SELECT
                  "t6"."id",
                  "t6"."external_id",
                  "t6"."account_id",
                  "t6"."owner_id",
                  "t6"."channel",
                  "t6"."priority",
                  "t6"."status",
                  "t6"."opened_at",
                  "t6"."first_response_at",
                  "t6"."first_response_automated",
                  "t6"."resolved_at",
                  "t7"."_sla_priority",
                  "t7"."_sla_first_response",
                  "t7"."_sla_resolution"
                FROM "tickets" AS "t6"
                LEFT OUTER JOIN "pulso_sla" AS "t7"
                  ON COALESCE("t6"."priority", '') = "t7"."_sla_priority"
              ) AS "t8"
            ) AS "t9"
          ) AS "t10"
        ) AS "t11"
      ) AS "t12"
      WHERE
        (
          (
            "t12"."opened_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t12"."opened_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t12"."opened_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t12"."opened_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t14"
    INNER JOIN "pulso_period_slots" AS "t5"
      ON CAST(FLOOR((
        EPOCH_US("t14"."opened_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t5"."_slot"
  ) AS "t15"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t20"."_d_owner" AS "owner",
  COALESCE("t18"."within", 0.0) / NULLIF(COALESCE("t18"."due", 0.0), 0) AS "value",
  COALESCE("t18"."within", 0.0) AS "numerator",
  COALESCE("t18"."due", 0.0) AS "denominator",
  COALESCE("t18"."pending", 0.0) AS "pending"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t17"."_a_d_owner" AS "_d_owner"
  FROM "t16" AS "t17"
) AS "t20"
LEFT OUTER JOIN "t16" AS "t18"
  ON "t4"."_pid" = "t18"."_apid"
  AND "t20"."_d_owner" IS NOT DISTINCT FROM "t18"."_a_d_owner";
