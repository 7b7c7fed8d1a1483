-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- upsell_cross_sell_rate · duckdb · monthly, company scope, no split
WITH "t7" AS (
  SELECT DISTINCT
    "t0"."_s_start" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t16" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."id",
        "t3"."external_id",
        "t3"."name",
        "t3"."email",
        "t3"."phone",
        "t3"."company",
        "t3"."country",
        "t3"."segment",
        "t3"."source",
        "t3"."owner_id",
        "t3"."created_at",
        "t3"."acquired_at",
        "t3"."churned_at",
        "t3"."churn_reason",
        "t3"."search_text",
        "t3"."search_phone",
        CAST(1 AS DOUBLE) AS "_m_customers"
      FROM "accounts" AS "t3"
    ) AS "t8"
    WHERE
      "t8"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t13"
  WHERE
    (
      "t13"."churned_at" IS NULL
    )
    OR (
      "t13"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t24" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t17"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t17"."_m_customers"
    FROM "t16" AS "t17"
  ) AS "t19"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t18"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t18"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t18"."_m_customers"
      ) AS "_m_customers"
    FROM (
      SELECT
        *
      FROM "t16" AS "t17"
      WHERE
        "t17"."churned_at" IS NOT NULL
    ) AS "t18"
  ) AS "t22"
)
SELECT
  "t4"."_pid",
  COALESCE("t42"."upsold", 0.0) / NULLIF(COALESCE("t42"."customers", 0.0), 0) AS "value",
  COALESCE("t42"."upsold", 0.0) AS "numerator",
  COALESCE("t42"."customers", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t40"."_pid" AS "_apid",
    SUM("t40"."upsold") AS "upsold",
    SUM("t40"."customers") AS "customers"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t21"."_pid",
        CAST(1 AS DOUBLE) AS "upsold",
        CAST(NULL AS DOUBLE) AS "customers"
      FROM (
        SELECT
          "t20"."_pid",
          "t20"."account_id"
        FROM (
          SELECT
            "t15"."id",
            "t15"."external_id",
            "t15"."account_id",
            "t15"."lead_id",
            "t15"."owner_id",
            "t15"."title",
            "t15"."amount",
            "t15"."currency",
            "t15"."stage_id",
            "t15"."status",
            "t15"."kind",
            "t15"."created_at",
            "t15"."expected_close_at",
            "t15"."closed_at",
            "t15"."lost_reason",
            "t15"."campaign_id",
            "t15"."search_text",
            "t15"."product",
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
                *
              FROM "deals" AS "t2"
              WHERE
                "t2"."status" = 'won'
                AND "t2"."kind" IN ('upsell', 'cross_sell')
                AND "t2"."account_id" IS NOT NULL
            ) AS "t10"
            WHERE
              (
                (
                  "t10"."closed_at" >= GETVARIABLE('pulso_lo')
                )
                AND (
                  "t10"."closed_at" < GETVARIABLE('pulso_hi')
                )
              )
              OR (
                (
                  "t10"."closed_at" >= GETVARIABLE('pulso_lo2')
                )
                AND (
                  "t10"."closed_at" < GETVARIABLE('pulso_hi2')
                )
              )
          ) AS "t15"
          INNER JOIN "pulso_period_slots" AS "t6"
            ON CAST(FLOOR((
              EPOCH_US("t15"."closed_at")
            ) / (
              3600000000
            )) AS BIGINT) = "t6"."_slot"
        ) AS "t20"
        GROUP BY
          1,
          2
      ) AS "t21"
    ) AS "t23"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        CAST(NULL AS DOUBLE) AS "upsold",
        "t38"."_m_customers" AS "customers"
      FROM (
        SELECT
          "t36"."_b",
          MAX("t36"."_m_customers") AS "_m_customers"
        FROM (
          SELECT
            "t11"."_b",
            SUM(COALESCE("t35"."_m_customers", 0.0)) OVER (ORDER BY "t11"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_customers"
          FROM "t7" AS "t11"
          LEFT OUTER JOIN (
            SELECT
              "t33"."_b" AS "_kb",
              "t33"."_m_customers"
            FROM (
              SELECT
                "t32"."_b",
                SUM("t32"."_m_customers") AS "_m_customers"
              FROM (
                SELECT
                  "t26"."_es",
                  "t26"."_m_customers",
                  "t31"."_slot",
                  "t31"."_b"
                FROM "t24" AS "t26"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t28"."_slot",
                      "t12"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t25"."_es" AS "_slot"
                      FROM "t24" AS "t25"
                    ) AS "t28"
                    ASOF LEFT JOIN "t7" AS "t12"
                      ON "t28"."_slot" < "t12"."_b"
                  ) AS "t29"
                  WHERE
                    "t29"."_b" IS NOT NULL
                ) AS "t31"
                  ON "t26"."_es" = "t31"."_slot"
              ) AS "t32"
              GROUP BY
                1
            ) AS "t33"
          ) AS "t35"
            ON "t11"."_b" = "t35"."_kb"
        ) AS "t36"
        GROUP BY
          1
      ) AS "t38"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t38"."_b" = "t5"."_s_start"
    ) AS "t39"
  ) AS "t40"
  GROUP BY
    1
) AS "t42"
  ON "t4"."_pid" = "t42"."_apid";

-- upsell_cross_sell_rate · duckdb · monthly, company scope, by owner
WITH "t7" AS (
  SELECT DISTINCT
    "t0"."_s_start" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t18" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."id",
        "t3"."external_id",
        "t3"."name",
        "t3"."email",
        "t3"."phone",
        "t3"."company",
        "t3"."country",
        "t3"."segment",
        "t3"."source",
        "t3"."owner_id",
        "t3"."created_at",
        "t3"."acquired_at",
        "t3"."churned_at",
        "t3"."churn_reason",
        "t3"."search_text",
        "t3"."search_phone",
        "t3"."owner_id" AS "_owner",
        "t3"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE) AS "_m_customers"
      FROM "accounts" AS "t3"
    ) AS "t9"
    WHERE
      "t9"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t16"
  WHERE
    (
      "t16"."churned_at" IS NULL
    )
    OR (
      "t16"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t25" AS (
  SELECT
    *
  FROM (
    SELECT
      "t19"."_d_owner",
      CAST(FLOOR((
        EPOCH_US("t19"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t19"."_m_customers"
    FROM "t18" AS "t19"
  ) AS "t23"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t21"."_d_owner",
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t21"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t21"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t21"."_m_customers"
      ) AS "_m_customers"
    FROM (
      SELECT
        *
      FROM "t18" AS "t19"
      WHERE
        "t19"."churned_at" IS NOT NULL
    ) AS "t21"
  ) AS "t24"
), "t37" AS (
  SELECT
    "t36"."_d_owner",
    "t36"."_b",
    SUM("t36"."_m_customers") AS "_m_customers"
  FROM (
    SELECT
      "t28"."_d_owner",
      "t28"."_es",
      "t28"."_m_customers",
      "t35"."_slot",
      "t35"."_b"
    FROM "t25" AS "t28"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t31"."_slot",
          "t14"."_b"
        FROM (
          SELECT DISTINCT
            "t27"."_es" AS "_slot"
          FROM "t25" AS "t27"
        ) AS "t31"
        ASOF LEFT JOIN "t7" AS "t14"
          ON "t31"."_slot" < "t14"."_b"
      ) AS "t33"
      WHERE
        "t33"."_b" IS NOT NULL
    ) AS "t35"
      ON "t28"."_es" = "t35"."_slot"
  ) AS "t36"
  GROUP BY
    1,
    2
), "t48" AS (
  SELECT
    "t47"."_pid" AS "_apid",
    "t47"."_d_owner" AS "_a_d_owner",
    SUM("t47"."upsold") AS "upsold",
    SUM("t47"."customers") AS "customers"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t30"."_pid",
        "t30"."_d_owner",
        CAST(1 AS DOUBLE) AS "upsold",
        CAST(NULL AS DOUBLE) AS "customers"
      FROM (
        SELECT
          "t26"."_pid",
          "t26"."account_id",
          FIRST("t26"."_d_owner" ORDER BY "t26"."closed_at") AS "_d_owner"
        FROM (
          SELECT
            "t22"."id",
            "t22"."external_id",
            "t22"."account_id",
            "t22"."lead_id",
            "t22"."owner_id",
            "t22"."title",
            "t22"."amount",
            "t22"."currency",
            "t22"."stage_id",
            "t22"."status",
            "t22"."kind",
            "t22"."created_at",
            "t22"."expected_close_at",
            "t22"."closed_at",
            "t22"."lost_reason",
            "t22"."campaign_id",
            "t22"."search_text",
            "t22"."product",
            "t22"."_owner",
            "t22"."_d_owner",
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
                "t15"."id",
                "t15"."external_id",
                "t15"."account_id",
                "t15"."lead_id",
                "t15"."owner_id",
                "t15"."title",
                "t15"."amount",
                "t15"."currency",
                "t15"."stage_id",
                "t15"."status",
                "t15"."kind",
                "t15"."created_at",
                "t15"."expected_close_at",
                "t15"."closed_at",
                "t15"."lost_reason",
                "t15"."campaign_id",
                "t15"."search_text",
                "t15"."product",
                "t12"."_lk1_owner_id" AS "_owner",
                "t12"."_lk1_owner_id" AS "_d_owner"
              FROM (
                SELECT
                  *
                FROM "deals" AS "t2"
                WHERE
                  "t2"."status" = 'won'
                  AND "t2"."kind" IN ('upsell', 'cross_sell')
                  AND "t2"."account_id" IS NOT NULL
              ) AS "t15"
              LEFT OUTER JOIN (
                SELECT
                  "t3"."id" AS "_lk1_key",
                  "t3"."owner_id" AS "_lk1_owner_id"
                FROM "accounts" AS "t3"
              ) AS "t12"
                ON "t15"."account_id" = "t12"."_lk1_key"
            ) AS "t17"
            WHERE
              (
                (
                  "t17"."closed_at" >= GETVARIABLE('pulso_lo')
                )
                AND (
                  "t17"."closed_at" < GETVARIABLE('pulso_hi')
                )
              )
              OR (
                (
                  "t17"."closed_at" >= GETVARIABLE('pulso_lo2')
                )
                AND (
                  "t17"."closed_at" < GETVARIABLE('pulso_hi2')
                )
              )
          ) AS "t22"
          INNER JOIN "pulso_period_slots" AS "t6"
            ON CAST(FLOOR((
              EPOCH_US("t22"."closed_at")
            ) / (
              3600000000
            )) AS BIGINT) = "t6"."_slot"
        ) AS "t26"
        GROUP BY
          1,
          2
      ) AS "t30"
    ) AS "t32"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t45"."_d_owner",
        CAST(NULL AS DOUBLE) AS "upsold",
        "t45"."_m_customers" AS "customers"
      FROM (
        SELECT
          "t43"."_d_owner",
          "t43"."_b",
          MAX("t43"."_m_customers") AS "_m_customers"
        FROM (
          SELECT
            "t41"."_d_owner",
            "t13"."_b",
            SUM(COALESCE("t42"."_m_customers", 0.0)) OVER (
              PARTITION BY "t41"."_d_owner"
              ORDER BY "t13"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_customers"
          FROM "t7" AS "t13"
          CROSS JOIN (
            SELECT DISTINCT
              "t38"."_d_owner"
            FROM "t37" AS "t38"
          ) AS "t41"
          LEFT OUTER JOIN (
            SELECT
              "t38"."_d_owner" AS "_k_d_owner",
              "t38"."_b" AS "_kb",
              "t38"."_m_customers"
            FROM "t37" AS "t38"
          ) AS "t42"
            ON "t13"."_b" = "t42"."_kb"
            AND "t41"."_d_owner" IS NOT DISTINCT FROM "t42"."_k_d_owner"
        ) AS "t43"
        GROUP BY
          1,
          2
      ) AS "t45"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t45"."_b" = "t5"."_s_start"
    ) AS "t46"
  ) AS "t47"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t52"."_d_owner" AS "owner",
  COALESCE("t50"."upsold", 0.0) / NULLIF(COALESCE("t50"."customers", 0.0), 0) AS "value",
  COALESCE("t50"."upsold", 0.0) AS "numerator",
  COALESCE("t50"."customers", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t49"."_a_d_owner" AS "_d_owner"
  FROM "t48" AS "t49"
) AS "t52"
LEFT OUTER JOIN "t48" AS "t50"
  ON "t4"."_pid" = "t50"."_apid"
  AND "t52"."_d_owner" IS NOT DISTINCT FROM "t50"."_a_d_owner";
