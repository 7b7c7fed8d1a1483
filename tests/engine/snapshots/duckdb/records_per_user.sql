-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- records_per_user · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t16"."records", 0.0) / NULLIF(COALESCE("t16"."users", 0.0), 0) AS "value",
  COALESCE("t16"."records", 0.0) AS "numerator",
  COALESCE("t16"."users", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t14"."_pid" AS "_apid",
    SUM("t14"."records") AS "records",
    SUM("t14"."users") AS "users"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t9"."_m_records" AS "records",
        CAST(NULL AS DOUBLE) AS "users"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."user_id",
            "t2"."action",
            "t2"."entity",
            "t2"."occurred_at",
            CAST(1 AS DOUBLE) AS "_m_records"
          FROM "usage_events" AS "t2"
          WHERE
            "t2"."action" IN ('create', 'update')
        ) AS "t5"
        WHERE
          (
            (
              "t5"."occurred_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t5"."occurred_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t5"."occurred_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t5"."occurred_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t9"
      INNER JOIN "pulso_period_slots" AS "t4"
        ON CAST(FLOOR((
          EPOCH_US("t9"."occurred_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t4"."_slot"
    ) AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t11"."_pid",
        CAST(NULL AS DOUBLE) AS "records",
        CAST(1 AS DOUBLE) AS "users"
      FROM (
        SELECT
          "t10"."_pid",
          "t10"."user_id"
        FROM (
          SELECT
            "t7"."id",
            "t7"."external_id",
            "t7"."user_id",
            "t7"."action",
            "t7"."entity",
            "t7"."occurred_at",
            "t4"."_pid",
            "t4"."_p_start",
            "t4"."_p_end",
            "t4"."_s_start",
            "t4"."_s_end",
            "t4"."_e_start",
            "t4"."_e_end",
            "t4"."_days",
            "t4"."_years",
            "t4"."_slot"
          FROM (
            SELECT
              *
            FROM "usage_events" AS "t2"
            WHERE
              (
                (
                  "t2"."occurred_at" >= GETVARIABLE('pulso_lo')
                )
                AND (
                  "t2"."occurred_at" < GETVARIABLE('pulso_hi')
                )
              )
              OR (
                (
                  "t2"."occurred_at" >= GETVARIABLE('pulso_lo2')
                )
                AND (
                  "t2"."occurred_at" < GETVARIABLE('pulso_hi2')
                )
              )
          ) AS "t7"
          INNER JOIN "pulso_period_slots" AS "t4"
            ON CAST(FLOOR((
              EPOCH_US("t7"."occurred_at")
            ) / (
              3600000000
            )) AS BIGINT) = "t4"."_slot"
        ) AS "t10"
        GROUP BY
          1,
          2
      ) AS "t11"
    ) AS "t13"
  ) AS "t14"
  GROUP BY
    1
) AS "t16"
  ON "t3"."_pid" = "t16"."_apid";

-- records_per_user · duckdb · monthly, company scope, by owner
WITH "t16" AS (
  SELECT
    "t15"."_pid" AS "_apid",
    "t15"."_d_owner" AS "_a_d_owner",
    SUM("t15"."records") AS "records",
    SUM("t15"."users") AS "users"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t10"."_d_owner",
        "t10"."_m_records" AS "records",
        CAST(NULL AS DOUBLE) AS "users"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."user_id",
            "t2"."action",
            "t2"."entity",
            "t2"."occurred_at",
            "t2"."user_id" AS "_owner",
            "t2"."user_id" AS "_d_owner",
            CAST(1 AS DOUBLE) AS "_m_records"
          FROM "usage_events" AS "t2"
          WHERE
            "t2"."action" IN ('create', 'update')
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
      INNER JOIN "pulso_period_slots" AS "t4"
        ON CAST(FLOOR((
          EPOCH_US("t10"."occurred_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t4"."_slot"
    ) AS "t12"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t13"."_pid",
        "t13"."_d_owner",
        CAST(NULL AS DOUBLE) AS "records",
        CAST(1 AS DOUBLE) AS "users"
      FROM (
        SELECT
          "t11"."_pid",
          "t11"."user_id",
          FIRST("t11"."_d_owner" ORDER BY "t11"."occurred_at") AS "_d_owner"
        FROM (
          SELECT
            "t9"."id",
            "t9"."external_id",
            "t9"."user_id",
            "t9"."action",
            "t9"."entity",
            "t9"."occurred_at",
            "t9"."_owner",
            "t9"."_d_owner",
            "t4"."_pid",
            "t4"."_p_start",
            "t4"."_p_end",
            "t4"."_s_start",
            "t4"."_s_end",
            "t4"."_e_start",
            "t4"."_e_end",
            "t4"."_days",
            "t4"."_years",
            "t4"."_slot"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t2"."id",
                "t2"."external_id",
                "t2"."user_id",
                "t2"."action",
                "t2"."entity",
                "t2"."occurred_at",
                "t2"."user_id" AS "_owner",
                "t2"."user_id" AS "_d_owner"
              FROM "usage_events" AS "t2"
            ) AS "t5"
            WHERE
              (
                (
                  "t5"."occurred_at" >= GETVARIABLE('pulso_lo')
                )
                AND (
                  "t5"."occurred_at" < GETVARIABLE('pulso_hi')
                )
              )
              OR (
                (
                  "t5"."occurred_at" >= GETVARIABLE('pulso_lo2')
                )
                AND (
                  "t5"."occurred_at" < GETVARIABLE('pulso_hi2')
                )
              )
          ) AS "t9"
          INNER JOIN "pulso_period_slots" AS "t4"
            ON CAST(FLOOR((
              EPOCH_US("t9"."occurred_at")
            ) / (
              3600000000
            )) AS BIGINT) = "t4"."_slot"
        ) AS "t11"
        GROUP BY
          1,
          2
      ) AS "t13"
    ) AS "t14"
  ) AS "t15"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t20"."_d_owner" AS "owner",
  COALESCE("t18"."records", 0.0) / NULLIF(COALESCE("t18"."users", 0.0), 0) AS "value",
  COALESCE("t18"."records", 0.0) AS "numerator",
  COALESCE("t18"."users", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t17"."_a_d_owner" AS "_d_owner"
  FROM "t16" AS "t17"
) AS "t20"
LEFT OUTER JOIN "t16" AS "t18"
  ON "t3"."_pid" = "t18"."_apid"
  AND "t20"."_d_owner" IS NOT DISTINCT FROM "t18"."_a_d_owner";
