-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- records_per_user · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t13"."records", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t13"."users", 0.0), 0) AS "value",
  COALESCE("t13"."records", 0.0) AS "numerator",
  COALESCE("t13"."users", 0.0) AS "denominator"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t11"."_pid" AS "_apid",
    SUM("t11"."records") AS "records",
    SUM("t11"."users") AS "users"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t6"."_m_records" AS "records",
        CAST(NULL AS DOUBLE PRECISION) AS "users"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."user_id",
          "t1"."action",
          "t1"."entity",
          "t1"."occurred_at",
          CAST(1 AS DOUBLE PRECISION) AS "_m_records"
        FROM "usage_events" AS "t1"
        WHERE
          "t1"."action" IN ('create', 'update')
      ) AS "t6"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t6"."occurred_at" >= "t3"."_p_start" AND "t6"."occurred_at" < "t3"."_p_end"
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t8"."_pid",
        CAST(NULL AS DOUBLE PRECISION) AS "records",
        CAST(1 AS DOUBLE PRECISION) AS "users"
      FROM (
        SELECT
          "t7"."_pid",
          "t7"."user_id"
        FROM (
          SELECT
            "t4"."id",
            "t4"."external_id",
            "t4"."user_id",
            "t4"."action",
            "t4"."entity",
            "t4"."occurred_at",
            "t3"."_pid",
            "t3"."_p_start",
            "t3"."_p_end",
            "t3"."_s_start",
            "t3"."_s_end",
            "t3"."_e_start",
            "t3"."_e_end",
            "t3"."_days",
            "t3"."_years"
          FROM "usage_events" AS "t4"
          INNER JOIN "pulso_periods" AS "t3"
            ON "t4"."occurred_at" >= "t3"."_p_start" AND "t4"."occurred_at" < "t3"."_p_end"
        ) AS "t7"
        GROUP BY
          1,
          2
      ) AS "t8"
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1
) AS "t13"
  ON "t2"."_pid" = "t13"."_apid";

-- records_per_user · postgres · monthly, company scope, by owner
WITH "t13" AS (
  SELECT
    "t12"."_pid" AS "_apid",
    "t12"."_d_owner" AS "_a_d_owner",
    SUM("t12"."records") AS "records",
    SUM("t12"."users") AS "users"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."_pid",
        "t7"."_d_owner",
        "t7"."_m_records" AS "records",
        CAST(NULL AS DOUBLE PRECISION) AS "users"
      FROM (
        SELECT
          "t1"."id",
          "t1"."external_id",
          "t1"."user_id",
          "t1"."action",
          "t1"."entity",
          "t1"."occurred_at",
          "t1"."user_id" AS "_owner",
          "t1"."user_id" AS "_d_owner",
          CAST(1 AS DOUBLE PRECISION) AS "_m_records"
        FROM "usage_events" AS "t1"
        WHERE
          "t1"."action" IN ('create', 'update')
      ) AS "t7"
      INNER JOIN "pulso_periods" AS "t3"
        ON "t7"."occurred_at" >= "t3"."_p_start" AND "t7"."occurred_at" < "t3"."_p_end"
    ) AS "t9"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t10"."_pid",
        "t10"."_d_owner",
        CAST(NULL AS DOUBLE PRECISION) AS "records",
        CAST(1 AS DOUBLE PRECISION) AS "users"
      FROM (
        SELECT
          "t8"."_pid",
          "t8"."user_id",
          (
            ARRAY_AGG("t8"."_d_owner" ORDER BY "t8"."occurred_at" ASC) FILTER(WHERE
              "t8"."occurred_at" IS NOT NULL)
          )[1] AS "_d_owner"
        FROM (
          SELECT
            "t6"."id",
            "t6"."external_id",
            "t6"."user_id",
            "t6"."action",
            "t6"."entity",
            "t6"."occurred_at",
            "t6"."_owner",
            "t6"."_d_owner",
            "t3"."_pid",
            "t3"."_p_start",
            "t3"."_p_end",
            "t3"."_s_start",
            "t3"."_s_end",
            "t3"."_e_start",
            "t3"."_e_end",
            "t3"."_days",
            "t3"."_years"
          FROM (
            SELECT
              "t1"."id",
              "t1"."external_id",
              "t1"."user_id",
              "t1"."action",
              "t1"."entity",
              "t1"."occurred_at",
              "t1"."user_id" AS "_owner",
              "t1"."user_id" AS "_d_owner"
            FROM "usage_events" AS "t1"
          ) AS "t6"
          INNER JOIN "pulso_periods" AS "t3"
            ON "t6"."occurred_at" >= "t3"."_p_start" AND "t6"."occurred_at" < "t3"."_p_end"
        ) AS "t8"
        GROUP BY
          1,
          2
      ) AS "t10"
    ) AS "t11"
  ) AS "t12"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t17"."_d_owner" AS "owner",
  CAST(COALESCE("t15"."records", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t15"."users", 0.0), 0) AS "value",
  COALESCE("t15"."records", 0.0) AS "numerator",
  COALESCE("t15"."users", 0.0) AS "denominator"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t14"."_a_d_owner" AS "_d_owner"
  FROM "t13" AS "t14"
) AS "t17"
LEFT OUTER JOIN "t13" AS "t15"
  ON "t2"."_pid" = "t15"."_apid"
  AND "t17"."_d_owner" IS NOT DISTINCT FROM "t15"."_a_d_owner";
