-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- open_opportunities · duckdb · monthly, company scope, no split
WITH "t4" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t10" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."account_id",
        "t1"."lead_id",
        "t1"."owner_id",
        "t1"."title",
        "t1"."amount",
        "t1"."currency",
        "t1"."stage_id",
        "t1"."status",
        "t1"."kind",
        "t1"."created_at",
        "t1"."expected_close_at",
        "t1"."closed_at",
        "t1"."lost_reason",
        "t1"."campaign_id",
        "t1"."search_text",
        "t1"."product",
        CAST(1 AS DOUBLE) AS "_m_open"
      FROM "deals" AS "t1"
    ) AS "t5"
    WHERE
      "t5"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t9"
  WHERE
    (
      "t9"."closed_at" IS NULL
    )
    OR (
      "t9"."closed_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t15" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t11"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t11"."_m_open"
    FROM "t10" AS "t11"
  ) AS "t13"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t12"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t12"."created_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t12"."_m_open"
      ) AS "_m_open"
    FROM (
      SELECT
        *
      FROM "t10" AS "t11"
      WHERE
        "t11"."closed_at" IS NOT NULL
    ) AS "t12"
  ) AS "t14"
)
SELECT
  "t2"."_pid",
  COALESCE("t32"."open", 0.0) AS "value",
  COALESCE("t32"."open", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t30"."_pid" AS "_apid",
    SUM("t30"."open") AS "open"
  FROM (
    SELECT
      "t3"."_pid",
      "t29"."_m_open" AS "open"
    FROM (
      SELECT
        "t27"."_b",
        MAX("t27"."_m_open") AS "_m_open"
      FROM (
        SELECT
          "t7"."_b",
          SUM(COALESCE("t26"."_m_open", 0.0)) OVER (ORDER BY "t7"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_open"
        FROM "t4" AS "t7"
        LEFT OUTER JOIN (
          SELECT
            "t24"."_b" AS "_kb",
            "t24"."_m_open"
          FROM (
            SELECT
              "t23"."_b",
              SUM("t23"."_m_open") AS "_m_open"
            FROM (
              SELECT
                "t17"."_es",
                "t17"."_m_open",
                "t22"."_slot",
                "t22"."_b"
              FROM "t15" AS "t17"
              INNER JOIN (
                SELECT
                  *
                FROM (
                  SELECT
                    "t19"."_slot",
                    "t8"."_b"
                  FROM (
                    SELECT DISTINCT
                      "t16"."_es" AS "_slot"
                    FROM "t15" AS "t16"
                  ) AS "t19"
                  ASOF LEFT JOIN "t4" AS "t8"
                    ON "t19"."_slot" < "t8"."_b"
                ) AS "t20"
                WHERE
                  "t20"."_b" IS NOT NULL
              ) AS "t22"
                ON "t17"."_es" = "t22"."_slot"
            ) AS "t23"
            GROUP BY
              1
          ) AS "t24"
        ) AS "t26"
          ON "t7"."_b" = "t26"."_kb"
      ) AS "t27"
      GROUP BY
        1
    ) AS "t29"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t29"."_b" = "t3"."_s_end"
  ) AS "t30"
  GROUP BY
    1
) AS "t32"
  ON "t2"."_pid" = "t32"."_apid";

-- open_opportunities · duckdb · monthly, company scope, by owner
WITH "t4" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t10" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."account_id",
        "t1"."lead_id",
        "t1"."owner_id",
        "t1"."title",
        "t1"."amount",
        "t1"."currency",
        "t1"."stage_id",
        "t1"."status",
        "t1"."kind",
        "t1"."created_at",
        "t1"."expected_close_at",
        "t1"."closed_at",
        "t1"."lost_reason",
        "t1"."campaign_id",
        "t1"."search_text",
        "t1"."product",
        "t1"."owner_id" AS "_owner",
        "t1"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE) AS "_m_open"
      FROM "deals" AS "t1"
    ) AS "t5"
    WHERE
      "t5"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t9"
  WHERE
    (
      "t9"."closed_at" IS NULL
    )
    OR (
      "t9"."closed_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t15" AS (
  SELECT
    *
  FROM (
    SELECT
      "t11"."_d_owner",
      CAST(FLOOR((
        EPOCH_US("t11"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t11"."_m_open"
    FROM "t10" AS "t11"
  ) AS "t13"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t12"."_d_owner",
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t12"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t12"."created_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t12"."_m_open"
      ) AS "_m_open"
    FROM (
      SELECT
        *
      FROM "t10" AS "t11"
      WHERE
        "t11"."closed_at" IS NOT NULL
    ) AS "t12"
  ) AS "t14"
), "t24" AS (
  SELECT
    "t23"."_d_owner",
    "t23"."_b",
    SUM("t23"."_m_open") AS "_m_open"
  FROM (
    SELECT
      "t17"."_d_owner",
      "t17"."_es",
      "t17"."_m_open",
      "t22"."_slot",
      "t22"."_b"
    FROM "t15" AS "t17"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t19"."_slot",
          "t8"."_b"
        FROM (
          SELECT DISTINCT
            "t16"."_es" AS "_slot"
          FROM "t15" AS "t16"
        ) AS "t19"
        ASOF LEFT JOIN "t4" AS "t8"
          ON "t19"."_slot" < "t8"."_b"
      ) AS "t20"
      WHERE
        "t20"."_b" IS NOT NULL
    ) AS "t22"
      ON "t17"."_es" = "t22"."_slot"
  ) AS "t23"
  GROUP BY
    1,
    2
), "t34" AS (
  SELECT
    "t33"."_pid" AS "_apid",
    "t33"."_d_owner" AS "_a_d_owner",
    SUM("t33"."open") AS "open"
  FROM (
    SELECT
      "t3"."_pid",
      "t32"."_d_owner",
      "t32"."_m_open" AS "open"
    FROM (
      SELECT
        "t30"."_d_owner",
        "t30"."_b",
        MAX("t30"."_m_open") AS "_m_open"
      FROM (
        SELECT
          "t28"."_d_owner",
          "t7"."_b",
          SUM(COALESCE("t29"."_m_open", 0.0)) OVER (
            PARTITION BY "t28"."_d_owner"
            ORDER BY "t7"."_b" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
          ) AS "_m_open"
        FROM "t4" AS "t7"
        CROSS JOIN (
          SELECT DISTINCT
            "t25"."_d_owner"
          FROM "t24" AS "t25"
        ) AS "t28"
        LEFT OUTER JOIN (
          SELECT
            "t25"."_d_owner" AS "_k_d_owner",
            "t25"."_b" AS "_kb",
            "t25"."_m_open"
          FROM "t24" AS "t25"
        ) AS "t29"
          ON "t7"."_b" = "t29"."_kb"
          AND "t28"."_d_owner" IS NOT DISTINCT FROM "t29"."_k_d_owner"
      ) AS "t30"
      GROUP BY
        1,
        2
    ) AS "t32"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t32"."_b" = "t3"."_s_end"
  ) AS "t33"
  GROUP BY
    1,
    2
)
SELECT
  "t2"."_pid",
  "t38"."_d_owner" AS "owner",
  COALESCE("t36"."open", 0.0) AS "value",
  COALESCE("t36"."open", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t2"
CROSS JOIN (
  SELECT DISTINCT
    "t35"."_a_d_owner" AS "_d_owner"
  FROM "t34" AS "t35"
) AS "t38"
LEFT OUTER JOIN "t34" AS "t36"
  ON "t2"."_pid" = "t36"."_apid"
  AND "t38"."_d_owner" IS NOT DISTINCT FROM "t36"."_a_d_owner";
