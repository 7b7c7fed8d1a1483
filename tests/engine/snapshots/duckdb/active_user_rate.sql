-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- active_user_rate · duckdb · monthly, company scope, no split
WITH "t7" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t17" AS (
  SELECT
    CAST(FLOOR((
      EPOCH_US("t15"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t15"."_m_users"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."id",
        "t3"."external_id",
        "t3"."name",
        "t3"."email",
        "t3"."role",
        "t3"."team_id",
        "t3"."active",
        "t3"."created_at",
        CAST(1 AS DOUBLE) AS "_m_users"
      FROM "users" AS "t3"
      WHERE
        "t3"."active"
    ) AS "t9"
    WHERE
      "t9"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t15"
)
SELECT
  "t4"."_pid",
  COALESCE("t43"."using", 0.0) / NULLIF(COALESCE("t43"."users", 0.0), 0) AS "value",
  COALESCE("t43"."using", 0.0) AS "numerator",
  COALESCE("t43"."users", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t41"."_pid" AS "_apid",
    SUM("t41"."users") AS "users",
    SUM("t41"."using") AS "using"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t39"."_m_users" AS "users",
        CAST(NULL AS DOUBLE) AS "using"
      FROM (
        SELECT
          "t37"."_b",
          MAX("t37"."_m_users") AS "_m_users"
        FROM (
          SELECT
            "t12"."_b",
            SUM(COALESCE("t36"."_m_users", 0.0)) OVER (ORDER BY "t12"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_users"
          FROM "t7" AS "t12"
          LEFT OUTER JOIN (
            SELECT
              "t33"."_b" AS "_kb",
              "t33"."_m_users"
            FROM (
              SELECT
                "t30"."_b",
                SUM("t30"."_m_users") AS "_m_users"
              FROM (
                SELECT
                  "t21"."_es",
                  "t21"."_m_users",
                  "t28"."_slot",
                  "t28"."_b"
                FROM "t17" AS "t21"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t23"."_slot",
                      "t13"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t19"."_es" AS "_slot"
                      FROM "t17" AS "t19"
                    ) AS "t23"
                    ASOF LEFT JOIN "t7" AS "t13"
                      ON "t23"."_slot" < "t13"."_b"
                  ) AS "t26"
                  WHERE
                    "t26"."_b" IS NOT NULL
                ) AS "t28"
                  ON "t21"."_es" = "t28"."_slot"
              ) AS "t30"
              GROUP BY
                1
            ) AS "t33"
          ) AS "t36"
            ON "t12"."_b" = "t36"."_kb"
        ) AS "t37"
        GROUP BY
          1
      ) AS "t39"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t39"."_b" = "t5"."_s_end"
    ) AS "t40"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t32"."_pid",
        CAST(NULL AS DOUBLE) AS "users",
        CAST(1 AS DOUBLE) AS "using"
      FROM (
        SELECT
          "t31"."_pid",
          "t31"."user_id"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t25"."id",
              "t25"."external_id",
              "t25"."user_id",
              "t25"."action",
              "t25"."entity",
              "t25"."occurred_at",
              "t25"."_user_created",
              "t6"."_pid",
              "t6"."_p_start",
              "t6"."_p_end",
              "t6"."_s_start",
              "t6"."_s_end",
              "t6"."_e_start",
              "t6"."_e_end",
              "t6"."_days",
              "t6"."_years",
              "t6"."_slot"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t18".*
                  EXCLUDE ("_uid")
                FROM (
                  SELECT
                    "t16"."id",
                    "t16"."external_id",
                    "t16"."user_id",
                    "t16"."action",
                    "t16"."entity",
                    "t16"."occurred_at",
                    "t11"."_uid",
                    "t11"."_user_created"
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
                  ) AS "t16"
                  INNER JOIN (
                    SELECT
                      "t3"."id" AS "_uid",
                      "t3"."created_at" AS "_user_created"
                    FROM "users" AS "t3"
                    WHERE
                      "t3"."active"
                  ) AS "t11"
                    ON "t16"."user_id" = "t11"."_uid"
                ) AS "t18"
              ) AS "t20"
              WHERE
                (
                  (
                    "t20"."occurred_at" >= GETVARIABLE('pulso_lo')
                  )
                  AND (
                    "t20"."occurred_at" < GETVARIABLE('pulso_hi')
                  )
                )
                OR (
                  (
                    "t20"."occurred_at" >= GETVARIABLE('pulso_lo2')
                  )
                  AND (
                    "t20"."occurred_at" < GETVARIABLE('pulso_hi2')
                  )
                )
            ) AS "t25"
            INNER JOIN "pulso_period_slots" AS "t6"
              ON CAST(FLOOR((
                EPOCH_US("t25"."occurred_at")
              ) / (
                3600000000
              )) AS BIGINT) = "t6"."_slot"
          ) AS "t29"
          WHERE
            "t29"."_user_created" < "t29"."_p_end"
        ) AS "t31"
        GROUP BY
          1,
          2
      ) AS "t32"
    ) AS "t34"
  ) AS "t41"
  GROUP BY
    1
) AS "t43"
  ON "t4"."_pid" = "t43"."_apid";

-- active_user_rate · duckdb · monthly, company scope, by owner
WITH "t7" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t17" AS (
  SELECT
    "t15"."_d_owner",
    CAST(FLOOR((
      EPOCH_US("t15"."created_at")
    ) / (
      3600000000
    )) AS BIGINT) AS "_es",
    "t15"."_m_users"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."id",
        "t3"."external_id",
        "t3"."name",
        "t3"."email",
        "t3"."role",
        "t3"."team_id",
        "t3"."active",
        "t3"."created_at",
        "t3"."id" AS "_owner",
        "t3"."id" AS "_d_owner",
        CAST(1 AS DOUBLE) AS "_m_users"
      FROM "users" AS "t3"
      WHERE
        "t3"."active"
    ) AS "t9"
    WHERE
      "t9"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t15"
), "t33" AS (
  SELECT
    "t31"."_d_owner",
    "t31"."_b",
    SUM("t31"."_m_users") AS "_m_users"
  FROM (
    SELECT
      "t21"."_d_owner",
      "t21"."_es",
      "t21"."_m_users",
      "t29"."_slot",
      "t29"."_b"
    FROM "t17" AS "t21"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t24"."_slot",
          "t13"."_b"
        FROM (
          SELECT DISTINCT
            "t19"."_es" AS "_slot"
          FROM "t17" AS "t19"
        ) AS "t24"
        ASOF LEFT JOIN "t7" AS "t13"
          ON "t24"."_slot" < "t13"."_b"
      ) AS "t25"
      WHERE
        "t25"."_b" IS NOT NULL
    ) AS "t29"
      ON "t21"."_es" = "t29"."_slot"
  ) AS "t31"
  GROUP BY
    1,
    2
), "t46" AS (
  SELECT
    "t45"."_pid" AS "_apid",
    "t45"."_d_owner" AS "_a_d_owner",
    SUM("t45"."users") AS "users",
    SUM("t45"."using") AS "using"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t43"."_d_owner",
        "t43"."_m_users" AS "users",
        CAST(NULL AS DOUBLE) AS "using"
      FROM (
        SELECT
          "t41"."_d_owner",
          "t41"."_b",
          MAX("t41"."_m_users") AS "_m_users"
        FROM (
          SELECT
            "t38"."_d_owner",
            "t12"."_b",
            SUM(COALESCE("t39"."_m_users", 0.0)) OVER (
              PARTITION BY "t38"."_d_owner"
              ORDER BY "t12"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_users"
          FROM "t7" AS "t12"
          CROSS JOIN (
            SELECT DISTINCT
              "t34"."_d_owner"
            FROM "t33" AS "t34"
          ) AS "t38"
          LEFT OUTER JOIN (
            SELECT
              "t34"."_d_owner" AS "_k_d_owner",
              "t34"."_b" AS "_kb",
              "t34"."_m_users"
            FROM "t33" AS "t34"
          ) AS "t39"
            ON "t12"."_b" = "t39"."_kb"
            AND "t38"."_d_owner" IS NOT DISTINCT FROM "t39"."_k_d_owner"
        ) AS "t41"
        GROUP BY
          1,
          2
      ) AS "t43"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t43"."_b" = "t5"."_s_end"
    ) AS "t44"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t35"."_pid",
        "t35"."_d_owner",
        CAST(NULL AS DOUBLE) AS "users",
        CAST(1 AS DOUBLE) AS "using"
      FROM (
        SELECT
          "t32"."_pid",
          "t32"."user_id",
          FIRST("t32"."_d_owner" ORDER BY "t32"."occurred_at") AS "_d_owner"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t27"."id",
              "t27"."external_id",
              "t27"."user_id",
              "t27"."action",
              "t27"."entity",
              "t27"."occurred_at",
              "t27"."_user_created",
              "t27"."_owner",
              "t27"."_d_owner",
              "t6"."_pid",
              "t6"."_p_start",
              "t6"."_p_end",
              "t6"."_s_start",
              "t6"."_s_end",
              "t6"."_e_start",
              "t6"."_e_end",
              "t6"."_days",
              "t6"."_years",
              "t6"."_slot"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t20"."id",
                  "t20"."external_id",
                  "t20"."user_id",
                  "t20"."action",
                  "t20"."entity",
                  "t20"."occurred_at",
                  "t20"."_user_created",
                  "t20"."user_id" AS "_owner",
                  "t20"."user_id" AS "_d_owner"
                FROM (
                  SELECT
                    "t18".*
                    EXCLUDE ("_uid")
                  FROM (
                    SELECT
                      "t16"."id",
                      "t16"."external_id",
                      "t16"."user_id",
                      "t16"."action",
                      "t16"."entity",
                      "t16"."occurred_at",
                      "t11"."_uid",
                      "t11"."_user_created"
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
                    ) AS "t16"
                    INNER JOIN (
                      SELECT
                        "t3"."id" AS "_uid",
                        "t3"."created_at" AS "_user_created"
                      FROM "users" AS "t3"
                      WHERE
                        "t3"."active"
                    ) AS "t11"
                      ON "t16"."user_id" = "t11"."_uid"
                  ) AS "t18"
                ) AS "t20"
              ) AS "t23"
              WHERE
                (
                  (
                    "t23"."occurred_at" >= GETVARIABLE('pulso_lo')
                  )
                  AND (
                    "t23"."occurred_at" < GETVARIABLE('pulso_hi')
                  )
                )
                OR (
                  (
                    "t23"."occurred_at" >= GETVARIABLE('pulso_lo2')
                  )
                  AND (
                    "t23"."occurred_at" < GETVARIABLE('pulso_hi2')
                  )
                )
            ) AS "t27"
            INNER JOIN "pulso_period_slots" AS "t6"
              ON CAST(FLOOR((
                EPOCH_US("t27"."occurred_at")
              ) / (
                3600000000
              )) AS BIGINT) = "t6"."_slot"
          ) AS "t30"
          WHERE
            "t30"."_user_created" < "t30"."_p_end"
        ) AS "t32"
        GROUP BY
          1,
          2
      ) AS "t35"
    ) AS "t40"
  ) AS "t45"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t50"."_d_owner" AS "owner",
  COALESCE("t48"."using", 0.0) / NULLIF(COALESCE("t48"."users", 0.0), 0) AS "value",
  COALESCE("t48"."using", 0.0) AS "numerator",
  COALESCE("t48"."users", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t47"."_a_d_owner" AS "_d_owner"
  FROM "t46" AS "t47"
) AS "t50"
LEFT OUTER JOIN "t46" AS "t48"
  ON "t4"."_pid" = "t48"."_apid"
  AND "t50"."_d_owner" IS NOT DISTINCT FROM "t48"."_a_d_owner";
