-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- customer_lifetime_value · duckdb · monthly, company scope, no split
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
), "t25" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t18"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t18"."_m_at_start"
    FROM "t16" AS "t18"
  ) AS "t21"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t19"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t19"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t19"."_m_at_start"
      ) AS "_m_at_start"
    FROM (
      SELECT
        *
      FROM "t16" AS "t18"
      WHERE
        "t18"."churned_at" IS NOT NULL
    ) AS "t19"
  ) AS "t24"
)
SELECT
  "t4"."_pid",
  (
    COALESCE("t47"."amount", 0.0) / NULLIF(COALESCE("t47"."orders", 0.0), 0)
  ) * (
    (
      COALESCE("t47"."orders", 0.0) / NULLIF(COALESCE("t47"."buyers", 0.0), 0)
    ) / "t4"."_years"
  ) * (
    (
      COALESCE("t47"."at_start", 0.0) * "t4"."_years"
    ) / NULLIF(COALESCE("t47"."churned", 0.0), 0)
  ) AS "value",
  (
    COALESCE("t47"."amount", 0.0) / NULLIF(COALESCE("t47"."orders", 0.0), 0)
  ) * (
    (
      COALESCE("t47"."orders", 0.0) / NULLIF(COALESCE("t47"."buyers", 0.0), 0)
    ) / "t4"."_years"
  ) * (
    (
      COALESCE("t47"."at_start", 0.0) * "t4"."_years"
    ) / NULLIF(COALESCE("t47"."churned", 0.0), 0)
  ) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator",
  COALESCE("t47"."amount", 0.0) / NULLIF(COALESCE("t47"."orders", 0.0), 0) AS "average_order_value",
  (
    COALESCE("t47"."orders", 0.0) / NULLIF(COALESCE("t47"."buyers", 0.0), 0)
  ) / "t4"."_years" AS "purchase_frequency",
  (
    COALESCE("t47"."at_start", 0.0) * "t4"."_years"
  ) / NULLIF(COALESCE("t47"."churned", 0.0), 0) AS "customer_lifetime_years"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t45"."_pid" AS "_apid",
    SUM("t45"."orders") AS "orders",
    SUM("t45"."amount") AS "amount",
    SUM("t45"."buyers") AS "buyers",
    SUM("t45"."repeat") AS "repeat",
    SUM("t45"."at_start") AS "at_start",
    SUM("t45"."churned") AS "churned",
    SUM("t45"."tenure_months") AS "tenure_months"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t6"."_pid",
        CAST(NULL AS DOUBLE) AS "orders",
        CAST(NULL AS DOUBLE) AS "amount",
        CAST(NULL AS DOUBLE) AS "buyers",
        CAST(NULL AS DOUBLE) AS "repeat",
        CAST(NULL AS DOUBLE) AS "at_start",
        "t22"."_m_churned" AS "churned",
        "t22"."_m_tenure_months" AS "tenure_months"
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
      ) AS "t22"
      INNER JOIN "pulso_period_slots" AS "t6"
        ON CAST(FLOOR((
          EPOCH_US("t22"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t6"."_slot"
    ) AS "t28"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t27"."_pid",
          CAST("t27"."_orders" AS DOUBLE) AS "orders",
          "t27"."_amount" AS "amount",
          CAST(1 AS DOUBLE) AS "buyers",
          CAST(CASE WHEN COALESCE("t27"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "repeat",
          CAST(NULL AS DOUBLE) AS "at_start",
          CAST(NULL AS DOUBLE) AS "churned",
          CAST(NULL AS DOUBLE) AS "tenure_months"
        FROM (
          SELECT
            "t23"."_pid",
            "t23"."account_id",
            COUNT("t23"."id") AS "_orders",
            SUM(COALESCE(CAST("t23"."amount" AS DOUBLE), 0.0)) AS "_amount"
          FROM (
            SELECT
              "t17"."id",
              "t17"."external_id",
              "t17"."account_id",
              "t17"."deal_id",
              "t17"."product",
              "t17"."amount",
              "t17"."currency",
              "t17"."ordered_at",
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
                FROM "orders" AS "t3"
                WHERE
                  "t3"."account_id" IS NOT NULL
              ) AS "t10"
              WHERE
                (
                  (
                    "t10"."ordered_at" >= GETVARIABLE('pulso_lo')
                  )
                  AND (
                    "t10"."ordered_at" < GETVARIABLE('pulso_hi')
                  )
                )
                OR (
                  (
                    "t10"."ordered_at" >= GETVARIABLE('pulso_lo2')
                  )
                  AND (
                    "t10"."ordered_at" < GETVARIABLE('pulso_hi2')
                  )
                )
            ) AS "t17"
            INNER JOIN "pulso_period_slots" AS "t6"
              ON CAST(FLOOR((
                EPOCH_US("t17"."ordered_at")
              ) / (
                3600000000
              )) AS BIGINT) = "t6"."_slot"
          ) AS "t23"
          GROUP BY
            1,
            2
        ) AS "t27"
      ) AS "t32"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t5"."_pid",
          CAST(NULL AS DOUBLE) AS "orders",
          CAST(NULL AS DOUBLE) AS "amount",
          CAST(NULL AS DOUBLE) AS "buyers",
          CAST(NULL AS DOUBLE) AS "repeat",
          "t42"."_m_at_start" AS "at_start",
          CAST(NULL AS DOUBLE) AS "churned",
          CAST(NULL AS DOUBLE) AS "tenure_months"
        FROM (
          SELECT
            "t40"."_b",
            MAX("t40"."_m_at_start") AS "_m_at_start"
          FROM (
            SELECT
              "t11"."_b",
              SUM(COALESCE("t39"."_m_at_start", 0.0)) OVER (ORDER BY "t11"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_at_start"
            FROM "t7" AS "t11"
            LEFT OUTER JOIN (
              SELECT
                "t37"."_b" AS "_kb",
                "t37"."_m_at_start"
              FROM (
                SELECT
                  "t36"."_b",
                  SUM("t36"."_m_at_start") AS "_m_at_start"
                FROM (
                  SELECT
                    "t29"."_es",
                    "t29"."_m_at_start",
                    "t35"."_slot",
                    "t35"."_b"
                  FROM "t25" AS "t29"
                  INNER JOIN (
                    SELECT
                      *
                    FROM (
                      SELECT
                        "t31"."_slot",
                        "t12"."_b"
                      FROM (
                        SELECT DISTINCT
                          "t26"."_es" AS "_slot"
                        FROM "t25" AS "t26"
                      ) AS "t31"
                      ASOF LEFT JOIN "t7" AS "t12"
                        ON "t31"."_slot" < "t12"."_b"
                    ) AS "t33"
                    WHERE
                      "t33"."_b" IS NOT NULL
                  ) AS "t35"
                    ON "t29"."_es" = "t35"."_slot"
                ) AS "t36"
                GROUP BY
                  1
              ) AS "t37"
            ) AS "t39"
              ON "t11"."_b" = "t39"."_kb"
          ) AS "t40"
          GROUP BY
            1
        ) AS "t42"
        INNER JOIN "pulso_periods" AS "t5"
          ON "t42"."_b" = "t5"."_s_start"
      ) AS "t43"
    ) AS "t44"
  ) AS "t45"
  GROUP BY
    1
) AS "t47"
  ON "t4"."_pid" = "t47"."_apid";

-- customer_lifetime_value · duckdb · monthly, company scope, by owner
WITH "t7" AS (
  SELECT DISTINCT
    "t0"."_s_start" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t19" AS (
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
    ) AS "t10"
    WHERE
      "t10"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t17"
  WHERE
    (
      "t17"."churned_at" IS NULL
    )
    OR (
      "t17"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t29" AS (
  SELECT
    *
  FROM (
    SELECT
      "t20"."_d_owner",
      CAST(FLOOR((
        EPOCH_US("t20"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t20"."_m_at_start"
    FROM "t19" AS "t20"
  ) AS "t24"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t22"."_d_owner",
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t22"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t22"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t22"."_m_at_start"
      ) AS "_m_at_start"
    FROM (
      SELECT
        *
      FROM "t19" AS "t20"
      WHERE
        "t20"."churned_at" IS NOT NULL
    ) AS "t22"
  ) AS "t28"
), "t42" AS (
  SELECT
    "t41"."_d_owner",
    "t41"."_b",
    SUM("t41"."_m_at_start") AS "_m_at_start"
  FROM (
    SELECT
      "t32"."_d_owner",
      "t32"."_es",
      "t32"."_m_at_start",
      "t39"."_slot",
      "t39"."_b"
    FROM "t29" AS "t32"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t35"."_slot",
          "t15"."_b"
        FROM (
          SELECT DISTINCT
            "t30"."_es" AS "_slot"
          FROM "t29" AS "t30"
        ) AS "t35"
        ASOF LEFT JOIN "t7" AS "t15"
          ON "t35"."_slot" < "t15"."_b"
      ) AS "t37"
      WHERE
        "t37"."_b" IS NOT NULL
    ) AS "t39"
      ON "t32"."_es" = "t39"."_slot"
  ) AS "t41"
  GROUP BY
    1,
    2
), "t54" AS (
  SELECT
    "t53"."_pid" AS "_apid",
    "t53"."_d_owner" AS "_a_d_owner",
    SUM("t53"."orders") AS "orders",
    SUM("t53"."amount") AS "amount",
    SUM("t53"."buyers") AS "buyers",
    SUM("t53"."repeat") AS "repeat",
    SUM("t53"."at_start") AS "at_start",
    SUM("t53"."churned") AS "churned",
    SUM("t53"."tenure_months") AS "tenure_months"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t6"."_pid",
        "t27"."_d_owner",
        CAST(NULL AS DOUBLE) AS "orders",
        CAST(NULL AS DOUBLE) AS "amount",
        CAST(NULL AS DOUBLE) AS "buyers",
        CAST(NULL AS DOUBLE) AS "repeat",
        CAST(NULL AS DOUBLE) AS "at_start",
        "t27"."_m_churned" AS "churned",
        "t27"."_m_tenure_months" AS "tenure_months"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t9"."id",
            "t9"."external_id",
            "t9"."name",
            "t9"."email",
            "t9"."phone",
            "t9"."company",
            "t9"."country",
            "t9"."segment",
            "t9"."source",
            "t9"."owner_id",
            "t9"."created_at",
            "t9"."acquired_at",
            "t9"."churned_at",
            "t9"."churn_reason",
            "t9"."search_text",
            "t9"."search_phone",
            "t9"."_owner",
            "t9"."_d_owner",
            CAST(1 AS DOUBLE) AS "_m_churned",
            COALESCE(
              (
                CAST(EPOCH_US("t9"."churned_at") - EPOCH_US("t9"."acquired_at") AS DOUBLE) / 1000000.0
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
          ) AS "t9"
        ) AS "t21"
        WHERE
          (
            (
              "t21"."churned_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t21"."churned_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t21"."churned_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t21"."churned_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t27"
      INNER JOIN "pulso_period_slots" AS "t6"
        ON CAST(FLOOR((
          EPOCH_US("t27"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t6"."_slot"
    ) AS "t34"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t36"."_pid",
          "t36"."_d_owner",
          CAST("t36"."_orders" AS DOUBLE) AS "orders",
          "t36"."_amount" AS "amount",
          CAST(1 AS DOUBLE) AS "buyers",
          CAST(CASE WHEN COALESCE("t36"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "repeat",
          CAST(NULL AS DOUBLE) AS "at_start",
          CAST(NULL AS DOUBLE) AS "churned",
          CAST(NULL AS DOUBLE) AS "tenure_months"
        FROM (
          SELECT
            "t31"."_pid",
            "t31"."account_id",
            FIRST("t31"."_d_owner" ORDER BY "t31"."ordered_at") AS "_d_owner",
            COUNT("t31"."id") AS "_orders",
            SUM(COALESCE(CAST("t31"."amount" AS DOUBLE), 0.0)) AS "_amount"
          FROM (
            SELECT
              "t25"."id",
              "t25"."external_id",
              "t25"."account_id",
              "t25"."deal_id",
              "t25"."product",
              "t25"."amount",
              "t25"."currency",
              "t25"."ordered_at",
              "t25"."_owner",
              "t25"."_d_owner",
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
                  "t16"."id",
                  "t16"."external_id",
                  "t16"."account_id",
                  "t16"."deal_id",
                  "t16"."product",
                  "t16"."amount",
                  "t16"."currency",
                  "t16"."ordered_at",
                  "t12"."_lk1_owner_id" AS "_owner",
                  "t12"."_lk1_owner_id" AS "_d_owner"
                FROM (
                  SELECT
                    *
                  FROM "orders" AS "t3"
                  WHERE
                    "t3"."account_id" IS NOT NULL
                ) AS "t16"
                LEFT OUTER JOIN (
                  SELECT
                    "t2"."id" AS "_lk1_key",
                    "t2"."owner_id" AS "_lk1_owner_id"
                  FROM "accounts" AS "t2"
                ) AS "t12"
                  ON "t16"."account_id" = "t12"."_lk1_key"
              ) AS "t18"
              WHERE
                (
                  (
                    "t18"."ordered_at" >= GETVARIABLE('pulso_lo')
                  )
                  AND (
                    "t18"."ordered_at" < GETVARIABLE('pulso_hi')
                  )
                )
                OR (
                  (
                    "t18"."ordered_at" >= GETVARIABLE('pulso_lo2')
                  )
                  AND (
                    "t18"."ordered_at" < GETVARIABLE('pulso_hi2')
                  )
                )
            ) AS "t25"
            INNER JOIN "pulso_period_slots" AS "t6"
              ON CAST(FLOOR((
                EPOCH_US("t25"."ordered_at")
              ) / (
                3600000000
              )) AS BIGINT) = "t6"."_slot"
          ) AS "t31"
          GROUP BY
            1,
            2
        ) AS "t36"
      ) AS "t40"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t5"."_pid",
          "t50"."_d_owner",
          CAST(NULL AS DOUBLE) AS "orders",
          CAST(NULL AS DOUBLE) AS "amount",
          CAST(NULL AS DOUBLE) AS "buyers",
          CAST(NULL AS DOUBLE) AS "repeat",
          "t50"."_m_at_start" AS "at_start",
          CAST(NULL AS DOUBLE) AS "churned",
          CAST(NULL AS DOUBLE) AS "tenure_months"
        FROM (
          SELECT
            "t48"."_d_owner",
            "t48"."_b",
            MAX("t48"."_m_at_start") AS "_m_at_start"
          FROM (
            SELECT
              "t46"."_d_owner",
              "t14"."_b",
              SUM(COALESCE("t47"."_m_at_start", 0.0)) OVER (
                PARTITION BY "t46"."_d_owner"
                ORDER BY "t14"."_b" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
              ) AS "_m_at_start"
            FROM "t7" AS "t14"
            CROSS JOIN (
              SELECT DISTINCT
                "t43"."_d_owner"
              FROM "t42" AS "t43"
            ) AS "t46"
            LEFT OUTER JOIN (
              SELECT
                "t43"."_d_owner" AS "_k_d_owner",
                "t43"."_b" AS "_kb",
                "t43"."_m_at_start"
              FROM "t42" AS "t43"
            ) AS "t47"
              ON "t14"."_b" = "t47"."_kb"
              AND "t46"."_d_owner" IS NOT DISTINCT FROM "t47"."_k_d_owner"
          ) AS "t48"
          GROUP BY
            1,
            2
        ) AS "t50"
        INNER JOIN "pulso_periods" AS "t5"
          ON "t50"."_b" = "t5"."_s_start"
      ) AS "t51"
    ) AS "t52"
  ) AS "t53"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t58"."_d_owner" AS "owner",
  (
    COALESCE("t56"."amount", 0.0) / NULLIF(COALESCE("t56"."orders", 0.0), 0)
  ) * (
    (
      COALESCE("t56"."orders", 0.0) / NULLIF(COALESCE("t56"."buyers", 0.0), 0)
    ) / "t4"."_years"
  ) * (
    (
      COALESCE("t56"."at_start", 0.0) * "t4"."_years"
    ) / NULLIF(COALESCE("t56"."churned", 0.0), 0)
  ) AS "value",
  (
    COALESCE("t56"."amount", 0.0) / NULLIF(COALESCE("t56"."orders", 0.0), 0)
  ) * (
    (
      COALESCE("t56"."orders", 0.0) / NULLIF(COALESCE("t56"."buyers", 0.0), 0)
    ) / "t4"."_years"
  ) * (
    (
      COALESCE("t56"."at_start", 0.0) * "t4"."_years"
    ) / NULLIF(COALESCE("t56"."churned", 0.0), 0)
  ) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator",
  COALESCE("t56"."amount", 0.0) / NULLIF(COALESCE("t56"."orders", 0.0), 0) AS "average_order_value",
  (
    COALESCE("t56"."orders", 0.0) / NULLIF(COALESCE("t56"."buyers", 0.0), 0)
  ) / "t4"."_years" AS "purchase_frequency",
  (
    COALESCE("t56"."at_start", 0.0) * "t4"."_years"
  ) / NULLIF(COALESCE("t56"."churned", 0.0), 0) AS "customer_lifetime_years"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t55"."_a_d_owner" AS "_d_owner"
  FROM "t54" AS "t55"
) AS "t58"
LEFT OUTER JOIN "t54" AS "t56"
  ON "t4"."_pid" = "t56"."_apid"
  AND "t58"."_d_owner" IS NOT DISTINCT FROM "t56"."_a_d_owner";
