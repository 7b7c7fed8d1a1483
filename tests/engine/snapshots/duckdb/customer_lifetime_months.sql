-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- customer_lifetime_months · duckdb · monthly, company scope, no split
WITH "t6" AS (
  SELECT DISTINCT
    "t0"."_s_start" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t13" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."name",
        "t2"."email",
        "t2"."phone",
        "t2"."company",
        "t2"."country",
        "t2"."segment",
        "t2"."source",
        "t2"."owner_id",
        "t2"."created_at",
        "t2"."acquired_at",
        "t2"."churned_at",
        "t2"."churn_reason",
        "t2"."search_text",
        "t2"."search_phone",
        CAST(1 AS DOUBLE) AS "_m_at_start"
      FROM "accounts" AS "t2"
    ) AS "t7"
    WHERE
      "t7"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t11"
  WHERE
    (
      "t11"."churned_at" IS NULL
    )
    OR (
      "t11"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t20" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t14"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t14"."_m_at_start"
    FROM "t13" AS "t14"
  ) AS "t17"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t15"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t15"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t15"."_m_at_start"
      ) AS "_m_at_start"
    FROM (
      SELECT
        *
      FROM "t13" AS "t14"
      WHERE
        "t14"."churned_at" IS NOT NULL
    ) AS "t15"
  ) AS "t19"
)
SELECT
  "t3"."_pid",
  (
    COALESCE("t39"."at_start", 0.0) * "t3"."_years" * 12.0
  ) / NULLIF(COALESCE("t39"."churned", 0.0), 0) AS "value",
  COALESCE("t39"."at_start", 0.0) * "t3"."_years" * 12.0 AS "numerator",
  COALESCE("t39"."churned", 0.0) AS "denominator",
  COALESCE("t39"."tenure_months", 0.0) / NULLIF(COALESCE("t39"."churned", 0.0), 0) AS "observed_tenure_months"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t37"."_pid" AS "_apid",
    SUM("t37"."at_start") AS "at_start",
    SUM("t37"."churned") AS "churned",
    SUM("t37"."tenure_months") AS "tenure_months"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t35"."_m_at_start" AS "at_start",
        CAST(NULL AS DOUBLE) AS "churned",
        CAST(NULL AS DOUBLE) AS "tenure_months"
      FROM (
        SELECT
          "t33"."_b",
          MAX("t33"."_m_at_start") AS "_m_at_start"
        FROM (
          SELECT
            "t9"."_b",
            SUM(COALESCE("t32"."_m_at_start", 0.0)) OVER (ORDER BY "t9"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_at_start"
          FROM "t6" AS "t9"
          LEFT OUTER JOIN (
            SELECT
              "t30"."_b" AS "_kb",
              "t30"."_m_at_start"
            FROM (
              SELECT
                "t29"."_b",
                SUM("t29"."_m_at_start") AS "_m_at_start"
              FROM (
                SELECT
                  "t23"."_es",
                  "t23"."_m_at_start",
                  "t28"."_slot",
                  "t28"."_b"
                FROM "t20" AS "t23"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t25"."_slot",
                      "t10"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t21"."_es" AS "_slot"
                      FROM "t20" AS "t21"
                    ) AS "t25"
                    ASOF LEFT JOIN "t6" AS "t10"
                      ON "t25"."_slot" < "t10"."_b"
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
            ON "t9"."_b" = "t32"."_kb"
        ) AS "t33"
        GROUP BY
          1
      ) AS "t35"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t35"."_b" = "t4"."_s_start"
    ) AS "t36"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        CAST(NULL AS DOUBLE) AS "at_start",
        "t18"."_m_churned" AS "churned",
        "t18"."_m_tenure_months" AS "tenure_months"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t2"."id",
            "t2"."external_id",
            "t2"."name",
            "t2"."email",
            "t2"."phone",
            "t2"."company",
            "t2"."country",
            "t2"."segment",
            "t2"."source",
            "t2"."owner_id",
            "t2"."created_at",
            "t2"."acquired_at",
            "t2"."churned_at",
            "t2"."churn_reason",
            "t2"."search_text",
            "t2"."search_phone",
            CAST(1 AS DOUBLE) AS "_m_churned",
            COALESCE(
              (
                CAST(EPOCH_US("t2"."churned_at") - EPOCH_US("t2"."acquired_at") AS DOUBLE) / 1000000.0
              ) / 86400.0,
              0.0
            ) / 30.4375 AS "_m_tenure_months"
          FROM "accounts" AS "t2"
        ) AS "t12"
        WHERE
          (
            (
              "t12"."churned_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t12"."churned_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t12"."churned_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t12"."churned_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t18"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t18"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t22"
  ) AS "t37"
  GROUP BY
    1
) AS "t39"
  ON "t3"."_pid" = "t39"."_apid";

-- customer_lifetime_months · duckdb · monthly, company scope, by owner
WITH "t6" AS (
  SELECT DISTINCT
    "t0"."_s_start" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t13" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."name",
        "t2"."email",
        "t2"."phone",
        "t2"."company",
        "t2"."country",
        "t2"."segment",
        "t2"."source",
        "t2"."owner_id",
        "t2"."created_at",
        "t2"."acquired_at",
        "t2"."churned_at",
        "t2"."churn_reason",
        "t2"."search_text",
        "t2"."search_phone",
        "t2"."owner_id" AS "_owner",
        "t2"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE) AS "_m_at_start"
      FROM "accounts" AS "t2"
    ) AS "t8"
    WHERE
      "t8"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t12"
  WHERE
    (
      "t12"."churned_at" IS NULL
    )
    OR (
      "t12"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t21" AS (
  SELECT
    *
  FROM (
    SELECT
      "t14"."_d_owner",
      CAST(FLOOR((
        EPOCH_US("t14"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t14"."_m_at_start"
    FROM "t13" AS "t14"
  ) AS "t17"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t16"."_d_owner",
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t16"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t16"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t16"."_m_at_start"
      ) AS "_m_at_start"
    FROM (
      SELECT
        *
      FROM "t13" AS "t14"
      WHERE
        "t14"."churned_at" IS NOT NULL
    ) AS "t16"
  ) AS "t20"
), "t31" AS (
  SELECT
    "t30"."_d_owner",
    "t30"."_b",
    SUM("t30"."_m_at_start") AS "_m_at_start"
  FROM (
    SELECT
      "t23"."_d_owner",
      "t23"."_es",
      "t23"."_m_at_start",
      "t29"."_slot",
      "t29"."_b"
    FROM "t21" AS "t23"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t26"."_slot",
          "t11"."_b"
        FROM (
          SELECT DISTINCT
            "t22"."_es" AS "_slot"
          FROM "t21" AS "t22"
        ) AS "t26"
        ASOF LEFT JOIN "t6" AS "t11"
          ON "t26"."_slot" < "t11"."_b"
      ) AS "t27"
      WHERE
        "t27"."_b" IS NOT NULL
    ) AS "t29"
      ON "t23"."_es" = "t29"."_slot"
  ) AS "t30"
  GROUP BY
    1,
    2
), "t42" AS (
  SELECT
    "t41"."_pid" AS "_apid",
    "t41"."_d_owner" AS "_a_d_owner",
    SUM("t41"."at_start") AS "at_start",
    SUM("t41"."churned") AS "churned",
    SUM("t41"."tenure_months") AS "tenure_months"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t39"."_d_owner",
        "t39"."_m_at_start" AS "at_start",
        CAST(NULL AS DOUBLE) AS "churned",
        CAST(NULL AS DOUBLE) AS "tenure_months"
      FROM (
        SELECT
          "t37"."_d_owner",
          "t37"."_b",
          MAX("t37"."_m_at_start") AS "_m_at_start"
        FROM (
          SELECT
            "t35"."_d_owner",
            "t10"."_b",
            SUM(COALESCE("t36"."_m_at_start", 0.0)) OVER (
              PARTITION BY "t35"."_d_owner"
              ORDER BY "t10"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_at_start"
          FROM "t6" AS "t10"
          CROSS JOIN (
            SELECT DISTINCT
              "t32"."_d_owner"
            FROM "t31" AS "t32"
          ) AS "t35"
          LEFT OUTER JOIN (
            SELECT
              "t32"."_d_owner" AS "_k_d_owner",
              "t32"."_b" AS "_kb",
              "t32"."_m_at_start"
            FROM "t31" AS "t32"
          ) AS "t36"
            ON "t10"."_b" = "t36"."_kb"
            AND "t35"."_d_owner" IS NOT DISTINCT FROM "t36"."_k_d_owner"
        ) AS "t37"
        GROUP BY
          1,
          2
      ) AS "t39"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t39"."_b" = "t4"."_s_start"
    ) AS "t40"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t19"."_d_owner",
        CAST(NULL AS DOUBLE) AS "at_start",
        "t19"."_m_churned" AS "churned",
        "t19"."_m_tenure_months" AS "tenure_months"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t7"."id",
            "t7"."external_id",
            "t7"."name",
            "t7"."email",
            "t7"."phone",
            "t7"."company",
            "t7"."country",
            "t7"."segment",
            "t7"."source",
            "t7"."owner_id",
            "t7"."created_at",
            "t7"."acquired_at",
            "t7"."churned_at",
            "t7"."churn_reason",
            "t7"."search_text",
            "t7"."search_phone",
            "t7"."_owner",
            "t7"."_d_owner",
            CAST(1 AS DOUBLE) AS "_m_churned",
            COALESCE(
              (
                CAST(EPOCH_US("t7"."churned_at") - EPOCH_US("t7"."acquired_at") AS DOUBLE) / 1000000.0
              ) / 86400.0,
              0.0
            ) / 30.4375 AS "_m_tenure_months"
          FROM (
            SELECT
              "t2"."id",
              "t2"."external_id",
              "t2"."name",
              "t2"."email",
              "t2"."phone",
              "t2"."company",
              "t2"."country",
              "t2"."segment",
              "t2"."source",
              "t2"."owner_id",
              "t2"."created_at",
              "t2"."acquired_at",
              "t2"."churned_at",
              "t2"."churn_reason",
              "t2"."search_text",
              "t2"."search_phone",
              "t2"."owner_id" AS "_owner",
              "t2"."owner_id" AS "_d_owner"
            FROM "accounts" AS "t2"
          ) AS "t7"
        ) AS "t15"
        WHERE
          (
            (
              "t15"."churned_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t15"."churned_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t15"."churned_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t15"."churned_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t19"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t19"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t25"
  ) AS "t41"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t46"."_d_owner" AS "owner",
  (
    COALESCE("t44"."at_start", 0.0) * "t3"."_years" * 12.0
  ) / NULLIF(COALESCE("t44"."churned", 0.0), 0) AS "value",
  COALESCE("t44"."at_start", 0.0) * "t3"."_years" * 12.0 AS "numerator",
  COALESCE("t44"."churned", 0.0) AS "denominator",
  COALESCE("t44"."tenure_months", 0.0) / NULLIF(COALESCE("t44"."churned", 0.0), 0) AS "observed_tenure_months"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t43"."_a_d_owner" AS "_d_owner"
  FROM "t42" AS "t43"
) AS "t46"
LEFT OUTER JOIN "t42" AS "t44"
  ON "t3"."_pid" = "t44"."_apid"
  AND "t46"."_d_owner" IS NOT DISTINCT FROM "t44"."_a_d_owner";
