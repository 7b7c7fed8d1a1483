-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- active_user_rate · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t20"."using", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t20"."users", 0.0), 0) AS "value",
  COALESCE("t20"."using", 0.0) AS "numerator",
  COALESCE("t20"."users", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t18"."_pid" AS "_apid",
    SUM("t18"."users") AS "users",
    SUM("t18"."using") AS "using"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t8"."_m_users" AS "users",
        CAST(NULL AS DOUBLE PRECISION) AS "using"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."name",
          "t1"."email",
          "t1"."role",
          "t1"."team_id",
          "t1"."active",
          "t1"."created_at",
          CAST(1 AS DOUBLE PRECISION) AS "_m_users"
        FROM "users" AS "t1"
        WHERE
          "t1"."active"
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t8"."created_at" < "t4"."_p_end"
    ) AS "t10"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t16"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "users",
        CAST(1 AS DOUBLE PRECISION) AS "using"
      FROM (
        SELECT
          "t15"."_pid",
          "t15"."user_id"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t13"."id",
              "t13"."external_id",
              "t13"."user_id",
              "t13"."action",
              "t13"."entity",
              "t13"."occurred_at",
              "t13"."_user_created",
              "t4"."_pid",
              "t4"."_p_start",
              "t4"."_p_end",
              "t4"."_s_start",
              "t4"."_s_end",
              "t4"."_e_start",
              "t4"."_e_end",
              "t4"."_days",
              "t4"."_years"
            FROM (
              SELECT
                "t11"."id",
                "t11"."external_id",
                "t11"."user_id",
                "t11"."action",
                "t11"."entity",
                "t11"."occurred_at",
                "t11"."_user_created"
              FROM (
                SELECT
                  "t5"."id",
                  "t5"."external_id",
                  "t5"."user_id",
                  "t5"."action",
                  "t5"."entity",
                  "t5"."occurred_at",
                  "t9"."_uid",
                  "t9"."_user_created"
                FROM "usage_events" AS "t5"
                INNER JOIN (
                  SELECT
                    "t1"."id" AS "_uid",
                    "t1"."created_at" AS "_user_created"
                  FROM "users" AS "t1"
                  WHERE
                    "t1"."active"
                ) AS "t9"
                  ON "t5"."user_id" = "t9"."_uid"
              ) AS "t11"
            ) AS "t13"
            INNER JOIN "pulso_periods" AS "t4"
              ON "t13"."occurred_at" >= "t4"."_p_start" AND "t13"."occurred_at" < "t4"."_p_end"
          ) AS "t14"
          WHERE
            "t14"."_user_created" < "t14"."_p_end"
        ) AS "t15"
        GROUP BY
          1,
          2
      ) AS "t16"
    ) AS "t17"
  ) AS "t18"
  GROUP BY
    1
) AS "t20"
  ON "t3"."_pid" = "t20"."_apid";

-- active_user_rate · postgres · monthly, company scope, by owner
WITH "t20" AS (
  SELECT
    "t19"."_pid" AS "_apid",
    "t19"."_d_owner" AS "_a_d_owner",
    SUM("t19"."users") AS "users",
    SUM("t19"."using") AS "using"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t8"."_d_owner",
        "t8"."_m_users" AS "users",
        CAST(NULL AS DOUBLE PRECISION) AS "using"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."name",
          "t1"."email",
          "t1"."role",
          "t1"."team_id",
          "t1"."active",
          "t1"."created_at",
          "t1"."id" AS "_owner",
          "t1"."id" AS "_d_owner",
          CAST(1 AS DOUBLE PRECISION) AS "_m_users"
        FROM "users" AS "t1"
        WHERE
          "t1"."active"
      ) AS "t8"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t8"."created_at" < "t4"."_p_end"
    ) AS "t10"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t17"."_pid",
        "t17"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "users",
        CAST(1 AS DOUBLE PRECISION) AS "using"
      FROM (
        SELECT
          "t16"."_pid",
          "t16"."user_id",
          (
            ARRAY_AGG("t16"."_d_owner" ORDER BY "t16"."occurred_at" ASC) FILTER(WHERE
              "t16"."occurred_at" IS NOT NULL)
          )[1] AS "_d_owner"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t14"."id",
              "t14"."external_id",
              "t14"."user_id",
              "t14"."action",
              "t14"."entity",
              "t14"."occurred_at",
              "t14"."_user_created",
              "t14"."_owner",
              "t14"."_d_owner",
              "t4"."_pid",
              "t4"."_p_start",
              "t4"."_p_end",
              "t4"."_s_start",
              "t4"."_s_end",
              "t4"."_e_start",
              "t4"."_e_end",
              "t4"."_days",
              "t4"."_years"
            FROM (
              SELECT
                "t12"."id",
                "t12"."external_id",
                "t12"."user_id",
                "t12"."action",
                "t12"."entity",
                "t12"."occurred_at",
                "t12"."_user_created",
                "t12"."user_id" AS "_owner",
                "t12"."user_id" AS "_d_owner"
              FROM (
                SELECT
                  "t11"."id",
                  "t11"."external_id",
                  "t11"."user_id",
                  "t11"."action",
                  "t11"."entity",
                  "t11"."occurred_at",
                  "t11"."_user_created"
                FROM (
                  SELECT
                    "t5"."id",
                    "t5"."external_id",
                    "t5"."user_id",
                    "t5"."action",
                    "t5"."entity",
                    "t5"."occurred_at",
                    "t9"."_uid",
                    "t9"."_user_created"
                  FROM "usage_events" AS "t5"
                  INNER JOIN (
                    SELECT
                      "t1"."id" AS "_uid",
                      "t1"."created_at" AS "_user_created"
                    FROM "users" AS "t1"
                    WHERE
                      "t1"."active"
                  ) AS "t9"
                    ON "t5"."user_id" = "t9"."_uid"
                ) AS "t11"
              ) AS "t12"
            ) AS "t14"
            INNER JOIN "pulso_periods" AS "t4"
              ON "t14"."occurred_at" >= "t4"."_p_start" AND "t14"."occurred_at" < "t4"."_p_end"
          ) AS "t15"
          WHERE
            "t15"."_user_created" < "t15"."_p_end"
        ) AS "t16"
        GROUP BY
          1,
          2
      ) AS "t17"
    ) AS "t18"
  ) AS "t19"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t24"."_d_owner" AS "owner",
  CAST(COALESCE("t22"."using", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t22"."users", 0.0), 0) AS "value",
  COALESCE("t22"."using", 0.0) AS "numerator",
  COALESCE("t22"."users", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t21"."_a_d_owner" AS "_d_owner"
  FROM "t20" AS "t21"
) AS "t24"
LEFT OUTER JOIN "t20" AS "t22"
  ON "t3"."_pid" = "t22"."_apid"
  AND "t24"."_d_owner" IS NOT DISTINCT FROM "t22"."_a_d_owner";
