-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- weighted_pipeline · duckdb · monthly, company scope, no split
WITH "t6" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t16" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t13"."id",
        "t13"."external_id",
        "t13"."account_id",
        "t13"."lead_id",
        "t13"."owner_id",
        "t13"."title",
        "t13"."amount",
        "t13"."currency",
        "t13"."stage_id",
        "t13"."status",
        "t13"."kind",
        "t13"."created_at",
        "t13"."expected_close_at",
        "t13"."closed_at",
        "t13"."lost_reason",
        "t13"."campaign_id",
        "t13"."search_text",
        "t13"."product",
        "t13"."_probability",
        COALESCE(CAST("t13"."amount" AS DOUBLE), 0.0) * COALESCE(CAST("t13"."_probability" AS DOUBLE), 0.0) AS "_m_weighted"
      FROM (
        SELECT
          "t12".*
          EXCLUDE ("_sid")
        FROM (
          SELECT
            "t5"."id",
            "t5"."external_id",
            "t5"."account_id",
            "t5"."lead_id",
            "t5"."owner_id",
            "t5"."title",
            "t5"."amount",
            "t5"."currency",
            "t5"."stage_id",
            "t5"."status",
            "t5"."kind",
            "t5"."created_at",
            "t5"."expected_close_at",
            "t5"."closed_at",
            "t5"."lost_reason",
            "t5"."campaign_id",
            "t5"."search_text",
            "t5"."product",
            "t9"."_sid",
            "t9"."_probability"
          FROM "deals" AS "t5"
          LEFT OUTER JOIN (
            SELECT
              "t2"."id" AS "_sid",
              "t2"."probability" AS "_probability"
            FROM "stages" AS "t2"
          ) AS "t9"
            ON "t5"."stage_id" = "t9"."_sid"
        ) AS "t12"
      ) AS "t13"
    ) AS "t14"
    WHERE
      "t14"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t15"
  WHERE
    (
      "t15"."closed_at" IS NULL
    )
    OR (
      "t15"."closed_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t21" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t17"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t17"."_m_weighted"
    FROM "t16" AS "t17"
  ) AS "t19"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t18"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t18"."created_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t18"."_m_weighted"
      ) AS "_m_weighted"
    FROM (
      SELECT
        *
      FROM "t16" AS "t17"
      WHERE
        "t17"."closed_at" IS NOT NULL
    ) AS "t18"
  ) AS "t20"
)
SELECT
  "t3"."_pid",
  COALESCE("t38"."weighted", 0.0) AS "value",
  COALESCE("t38"."weighted", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t36"."_pid" AS "_apid",
    SUM("t36"."weighted") AS "weighted"
  FROM (
    SELECT
      "t4"."_pid",
      "t35"."_m_weighted" AS "weighted"
    FROM (
      SELECT
        "t33"."_b",
        MAX("t33"."_m_weighted") AS "_m_weighted"
      FROM (
        SELECT
          "t10"."_b",
          SUM(COALESCE("t32"."_m_weighted", 0.0)) OVER (ORDER BY "t10"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_weighted"
        FROM "t6" AS "t10"
        LEFT OUTER JOIN (
          SELECT
            "t30"."_b" AS "_kb",
            "t30"."_m_weighted"
          FROM (
            SELECT
              "t29"."_b",
              SUM("t29"."_m_weighted") AS "_m_weighted"
            FROM (
              SELECT
                "t23"."_es",
                "t23"."_m_weighted",
                "t28"."_slot",
                "t28"."_b"
              FROM "t21" AS "t23"
              INNER JOIN (
                SELECT
                  *
                FROM (
                  SELECT
                    "t25"."_slot",
                    "t11"."_b"
                  FROM (
                    SELECT DISTINCT
                      "t22"."_es" AS "_slot"
                    FROM "t21" AS "t22"
                  ) AS "t25"
                  ASOF LEFT JOIN "t6" AS "t11"
                    ON "t25"."_slot" < "t11"."_b"
                ) AS "t26"
                WHERE
                  "t26"."_b" IS NOT NULL
              ) AS "t28"
                ON "t23"."_es" = "t28"."_slot"
            ) AS "t29"
            GROUP BY
              1
          ) AS "t30"
        ) AS "t32"
          ON "t10"."_b" = "t32"."_kb"
      ) AS "t33"
      GROUP BY
        1
    ) AS "t35"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t35"."_b" = "t4"."_s_end"
  ) AS "t36"
  GROUP BY
    1
) AS "t38"
  ON "t3"."_pid" = "t38"."_apid";

-- weighted_pipeline · duckdb · monthly, company scope, by owner
WITH "t6" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t16" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t13"."id",
        "t13"."external_id",
        "t13"."account_id",
        "t13"."lead_id",
        "t13"."owner_id",
        "t13"."title",
        "t13"."amount",
        "t13"."currency",
        "t13"."stage_id",
        "t13"."status",
        "t13"."kind",
        "t13"."created_at",
        "t13"."expected_close_at",
        "t13"."closed_at",
        "t13"."lost_reason",
        "t13"."campaign_id",
        "t13"."search_text",
        "t13"."product",
        "t13"."_probability",
        "t13"."owner_id" AS "_owner",
        "t13"."owner_id" AS "_d_owner",
        COALESCE(CAST("t13"."amount" AS DOUBLE), 0.0) * COALESCE(CAST("t13"."_probability" AS DOUBLE), 0.0) AS "_m_weighted"
      FROM (
        SELECT
          "t12".*
          EXCLUDE ("_sid")
        FROM (
          SELECT
            "t5"."id",
            "t5"."external_id",
            "t5"."account_id",
            "t5"."lead_id",
            "t5"."owner_id",
            "t5"."title",
            "t5"."amount",
            "t5"."currency",
            "t5"."stage_id",
            "t5"."status",
            "t5"."kind",
            "t5"."created_at",
            "t5"."expected_close_at",
            "t5"."closed_at",
            "t5"."lost_reason",
            "t5"."campaign_id",
            "t5"."search_text",
            "t5"."product",
            "t9"."_sid",
            "t9"."_probability"
          FROM "deals" AS "t5"
          LEFT OUTER JOIN (
            SELECT
              "t2"."id" AS "_sid",
              "t2"."probability" AS "_probability"
            FROM "stages" AS "t2"
          ) AS "t9"
            ON "t5"."stage_id" = "t9"."_sid"
        ) AS "t12"
      ) AS "t13"
    ) AS "t14"
    WHERE
      "t14"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t15"
  WHERE
    (
      "t15"."closed_at" IS NULL
    )
    OR (
      "t15"."closed_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t21" AS (
  SELECT
    *
  FROM (
    SELECT
      "t17"."_d_owner",
      CAST(FLOOR((
        EPOCH_US("t17"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t17"."_m_weighted"
    FROM "t16" AS "t17"
  ) AS "t19"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t18"."_d_owner",
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t18"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t18"."created_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t18"."_m_weighted"
      ) AS "_m_weighted"
    FROM (
      SELECT
        *
      FROM "t16" AS "t17"
      WHERE
        "t17"."closed_at" IS NOT NULL
    ) AS "t18"
  ) AS "t20"
), "t30" AS (
  SELECT
    "t29"."_d_owner",
    "t29"."_b",
    SUM("t29"."_m_weighted") AS "_m_weighted"
  FROM (
    SELECT
      "t23"."_d_owner",
      "t23"."_es",
      "t23"."_m_weighted",
      "t28"."_slot",
      "t28"."_b"
    FROM "t21" AS "t23"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t25"."_slot",
          "t11"."_b"
        FROM (
          SELECT DISTINCT
            "t22"."_es" AS "_slot"
          FROM "t21" AS "t22"
        ) AS "t25"
        ASOF LEFT JOIN "t6" AS "t11"
          ON "t25"."_slot" < "t11"."_b"
      ) AS "t26"
      WHERE
        "t26"."_b" IS NOT NULL
    ) AS "t28"
      ON "t23"."_es" = "t28"."_slot"
  ) AS "t29"
  GROUP BY
    1,
    2
), "t40" AS (
  SELECT
    "t39"."_pid" AS "_apid",
    "t39"."_d_owner" AS "_a_d_owner",
    SUM("t39"."weighted") AS "weighted"
  FROM (
    SELECT
      "t4"."_pid",
      "t38"."_d_owner",
      "t38"."_m_weighted" AS "weighted"
    FROM (
      SELECT
        "t36"."_d_owner",
        "t36"."_b",
        MAX("t36"."_m_weighted") AS "_m_weighted"
      FROM (
        SELECT
          "t34"."_d_owner",
          "t10"."_b",
          SUM(COALESCE("t35"."_m_weighted", 0.0)) OVER (
            PARTITION BY "t34"."_d_owner"
            ORDER BY "t10"."_b" ASC
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
          ) AS "_m_weighted"
        FROM "t6" AS "t10"
        CROSS JOIN (
          SELECT DISTINCT
            "t31"."_d_owner"
          FROM "t30" AS "t31"
        ) AS "t34"
        LEFT OUTER JOIN (
          SELECT
            "t31"."_d_owner" AS "_k_d_owner",
            "t31"."_b" AS "_kb",
            "t31"."_m_weighted"
          FROM "t30" AS "t31"
        ) AS "t35"
          ON "t10"."_b" = "t35"."_kb"
          AND "t34"."_d_owner" IS NOT DISTINCT FROM "t35"."_k_d_owner"
      ) AS "t36"
      GROUP BY
        1,
        2
    ) AS "t38"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t38"."_b" = "t4"."_s_end"
  ) AS "t39"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t44"."_d_owner" AS "owner",
  COALESCE("t42"."weighted", 0.0) AS "value",
  COALESCE("t42"."weighted", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t41"."_a_d_owner" AS "_d_owner"
  FROM "t40" AS "t41"
) AS "t44"
LEFT OUTER JOIN "t40" AS "t42"
  ON "t3"."_pid" = "t42"."_apid"
  AND "t44"."_d_owner" IS NOT DISTINCT FROM "t42"."_a_d_owner";
