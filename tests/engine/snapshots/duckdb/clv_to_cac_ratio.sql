-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- clv_to_cac_ratio · duckdb · monthly, company scope, no split
WITH "t8" AS (
  SELECT DISTINCT
    "t0"."_s_start" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t22" AS (
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
), "t34" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t25"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t25"."_m_at_start"
    FROM "t22" AS "t25"
  ) AS "t29"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t26"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t26"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t26"."_m_at_start"
      ) AS "_m_at_start"
    FROM (
      SELECT
        *
      FROM "t22" AS "t25"
      WHERE
        "t25"."churned_at" IS NOT NULL
    ) AS "t26"
  ) AS "t32"
)
SELECT
  "t5"."_pid",
  (
    (
      COALESCE("t58"."amount", 0.0) / NULLIF(COALESCE("t58"."orders", 0.0), 0)
    ) * (
      (
        COALESCE("t58"."orders", 0.0) / NULLIF(COALESCE("t58"."buyers", 0.0), 0)
      ) / "t5"."_years"
    ) * (
      (
        COALESCE("t58"."at_start", 0.0) * "t5"."_years"
      ) / NULLIF(COALESCE("t58"."churned", 0.0), 0)
    )
  ) / NULLIF(COALESCE("t58"."spend", 0.0) / NULLIF(COALESCE("t58"."new", 0.0), 0), 0) AS "value",
  (
    COALESCE("t58"."amount", 0.0) / NULLIF(COALESCE("t58"."orders", 0.0), 0)
  ) * (
    (
      COALESCE("t58"."orders", 0.0) / NULLIF(COALESCE("t58"."buyers", 0.0), 0)
    ) / "t5"."_years"
  ) * (
    (
      COALESCE("t58"."at_start", 0.0) * "t5"."_years"
    ) / NULLIF(COALESCE("t58"."churned", 0.0), 0)
  ) AS "numerator",
  COALESCE("t58"."spend", 0.0) / NULLIF(COALESCE("t58"."new", 0.0), 0) AS "denominator",
  (
    COALESCE("t58"."amount", 0.0) / NULLIF(COALESCE("t58"."orders", 0.0), 0)
  ) * (
    (
      COALESCE("t58"."orders", 0.0) / NULLIF(COALESCE("t58"."buyers", 0.0), 0)
    ) / "t5"."_years"
  ) * (
    (
      COALESCE("t58"."at_start", 0.0) * "t5"."_years"
    ) / NULLIF(COALESCE("t58"."churned", 0.0), 0)
  ) AS "customer_lifetime_value",
  COALESCE("t58"."spend", 0.0) / NULLIF(COALESCE("t58"."new", 0.0), 0) AS "customer_acquisition_cost"
FROM "pulso_periods" AS "t5"
LEFT OUTER JOIN (
  SELECT
    "t56"."_pid" AS "_apid",
    SUM("t56"."orders") AS "orders",
    SUM("t56"."amount") AS "amount",
    SUM("t56"."buyers") AS "buyers",
    SUM("t56"."repeat") AS "repeat",
    SUM("t56"."at_start") AS "at_start",
    SUM("t56"."churned") AS "churned",
    SUM("t56"."tenure_months") AS "tenure_months",
    SUM("t56"."spend") AS "spend",
    SUM("t56"."new") AS "new"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t7"."_pid",
          CAST(NULL AS DOUBLE) AS "orders",
          CAST(NULL AS DOUBLE) AS "amount",
          CAST(NULL AS DOUBLE) AS "buyers",
          CAST(NULL AS DOUBLE) AS "repeat",
          CAST(NULL AS DOUBLE) AS "at_start",
          "t30"."_m_churned" AS "churned",
          "t30"."_m_tenure_months" AS "tenure_months",
          CAST(NULL AS DOUBLE) AS "spend",
          CAST(NULL AS DOUBLE) AS "new"
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
        ) AS "t30"
        INNER JOIN "pulso_period_slots" AS "t7"
          ON CAST(FLOOR((
            EPOCH_US("t30"."churned_at")
          ) / (
            3600000000
          )) AS BIGINT) = "t7"."_slot"
      ) AS "t37"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t23"."_pid",
          CAST(NULL AS DOUBLE) AS "orders",
          CAST(NULL AS DOUBLE) AS "amount",
          CAST(NULL AS DOUBLE) AS "buyers",
          CAST(NULL AS DOUBLE) AS "repeat",
          CAST(NULL AS DOUBLE) AS "at_start",
          CAST(NULL AS DOUBLE) AS "churned",
          CAST(NULL AS DOUBLE) AS "tenure_months",
          COALESCE(CAST("t23"."amount" AS DOUBLE), 0.0) * (
            CAST(LEAST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t23"."period_end") + 1, "t23"."_e_end") - GREATEST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t23"."period_start"), "t23"."_e_start") AS DOUBLE) / CAST((
              DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t23"."period_end") - DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t23"."period_start")
            ) + 1 AS DOUBLE)
          ) AS "spend",
          CAST(NULL AS DOUBLE) AS "new"
        FROM (
          SELECT
            "t16"."id",
            "t16"."external_id",
            "t16"."category",
            "t16"."channel",
            "t16"."campaign_id",
            "t16"."period_start",
            "t16"."period_end",
            "t16"."amount",
            "t16"."currency",
            "t6"."_pid",
            "t6"."_p_start",
            "t6"."_p_end",
            "t6"."_s_start",
            "t6"."_s_end",
            "t6"."_e_start",
            "t6"."_e_end",
            "t6"."_days",
            "t6"."_years"
          FROM (
            SELECT
              *
            FROM "spend" AS "t3"
            WHERE
              "t3"."category" IN ('marketing', 'sales')
          ) AS "t16"
          INNER JOIN "pulso_periods" AS "t6"
            ON DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t16"."period_start") < "t6"."_e_end"
            AND DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t16"."period_end") >= "t6"."_e_start"
        ) AS "t23"
      ) AS "t33"
    ) AS "t39"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t7"."_pid",
          CAST(NULL AS DOUBLE) AS "orders",
          CAST(NULL AS DOUBLE) AS "amount",
          CAST(NULL AS DOUBLE) AS "buyers",
          CAST(NULL AS DOUBLE) AS "repeat",
          CAST(NULL AS DOUBLE) AS "at_start",
          CAST(NULL AS DOUBLE) AS "churned",
          CAST(NULL AS DOUBLE) AS "tenure_months",
          CAST(NULL AS DOUBLE) AS "spend",
          "t19"."_m_new" AS "new"
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
              CAST(1 AS DOUBLE) AS "_m_new"
            FROM "accounts" AS "t2"
          ) AS "t9"
          WHERE
            (
              (
                "t9"."acquired_at" >= GETVARIABLE('pulso_lo')
              )
              AND (
                "t9"."acquired_at" < GETVARIABLE('pulso_hi')
              )
            )
            OR (
              (
                "t9"."acquired_at" >= GETVARIABLE('pulso_lo2')
              )
              AND (
                "t9"."acquired_at" < GETVARIABLE('pulso_hi2')
              )
            )
        ) AS "t19"
        INNER JOIN "pulso_period_slots" AS "t7"
          ON CAST(FLOOR((
            EPOCH_US("t19"."acquired_at")
          ) / (
            3600000000
          )) AS BIGINT) = "t7"."_slot"
      ) AS "t28"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t36"."_pid",
            CAST("t36"."_orders" AS DOUBLE) AS "orders",
            "t36"."_amount" AS "amount",
            CAST(1 AS DOUBLE) AS "buyers",
            CAST(CASE WHEN COALESCE("t36"."_orders" >= 2, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "repeat",
            CAST(NULL AS DOUBLE) AS "at_start",
            CAST(NULL AS DOUBLE) AS "churned",
            CAST(NULL AS DOUBLE) AS "tenure_months",
            CAST(NULL AS DOUBLE) AS "spend",
            CAST(NULL AS DOUBLE) AS "new"
          FROM (
            SELECT
              "t31"."_pid",
              "t31"."account_id",
              COUNT("t31"."id") AS "_orders",
              SUM(COALESCE(CAST("t31"."amount" AS DOUBLE), 0.0)) AS "_amount"
            FROM (
              SELECT
                "t24"."id",
                "t24"."external_id",
                "t24"."account_id",
                "t24"."deal_id",
                "t24"."product",
                "t24"."amount",
                "t24"."currency",
                "t24"."ordered_at",
                "t7"."_pid",
                "t7"."_p_start",
                "t7"."_p_end",
                "t7"."_s_start",
                "t7"."_s_end",
                "t7"."_e_start",
                "t7"."_e_end",
                "t7"."_days",
                "t7"."_years",
                "t7"."_slot"
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM "orders" AS "t4"
                  WHERE
                    "t4"."account_id" IS NOT NULL
                ) AS "t13"
                WHERE
                  (
                    (
                      "t13"."ordered_at" >= GETVARIABLE('pulso_lo')
                    )
                    AND (
                      "t13"."ordered_at" < GETVARIABLE('pulso_hi')
                    )
                  )
                  OR (
                    (
                      "t13"."ordered_at" >= GETVARIABLE('pulso_lo2')
                    )
                    AND (
                      "t13"."ordered_at" < GETVARIABLE('pulso_hi2')
                    )
                  )
              ) AS "t24"
              INNER JOIN "pulso_period_slots" AS "t7"
                ON CAST(FLOOR((
                  EPOCH_US("t24"."ordered_at")
                ) / (
                  3600000000
                )) AS BIGINT) = "t7"."_slot"
            ) AS "t31"
            GROUP BY
              1,
              2
          ) AS "t36"
        ) AS "t42"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t6"."_pid",
            CAST(NULL AS DOUBLE) AS "orders",
            CAST(NULL AS DOUBLE) AS "amount",
            CAST(NULL AS DOUBLE) AS "buyers",
            CAST(NULL AS DOUBLE) AS "repeat",
            "t52"."_m_at_start" AS "at_start",
            CAST(NULL AS DOUBLE) AS "churned",
            CAST(NULL AS DOUBLE) AS "tenure_months",
            CAST(NULL AS DOUBLE) AS "spend",
            CAST(NULL AS DOUBLE) AS "new"
          FROM (
            SELECT
              "t50"."_b",
              MAX("t50"."_m_at_start") AS "_m_at_start"
            FROM (
              SELECT
                "t14"."_b",
                SUM(COALESCE("t49"."_m_at_start", 0.0)) OVER (ORDER BY "t14"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_at_start"
              FROM "t8" AS "t14"
              LEFT OUTER JOIN (
                SELECT
                  "t47"."_b" AS "_kb",
                  "t47"."_m_at_start"
                FROM (
                  SELECT
                    "t46"."_b",
                    SUM("t46"."_m_at_start") AS "_m_at_start"
                  FROM (
                    SELECT
                      "t38"."_es",
                      "t38"."_m_at_start",
                      "t45"."_slot",
                      "t45"."_b"
                    FROM "t34" AS "t38"
                    INNER JOIN (
                      SELECT
                        *
                      FROM (
                        SELECT
                          "t41"."_slot",
                          "t15"."_b"
                        FROM (
                          SELECT DISTINCT
                            "t35"."_es" AS "_slot"
                          FROM "t34" AS "t35"
                        ) AS "t41"
                        ASOF LEFT JOIN "t8" AS "t15"
                          ON "t41"."_slot" < "t15"."_b"
                      ) AS "t43"
                      WHERE
                        "t43"."_b" IS NOT NULL
                    ) AS "t45"
                      ON "t38"."_es" = "t45"."_slot"
                  ) AS "t46"
                  GROUP BY
                    1
                ) AS "t47"
              ) AS "t49"
                ON "t14"."_b" = "t49"."_kb"
            ) AS "t50"
            GROUP BY
              1
          ) AS "t52"
          INNER JOIN "pulso_periods" AS "t6"
            ON "t52"."_b" = "t6"."_s_start"
        ) AS "t53"
      ) AS "t54"
    ) AS "t55"
  ) AS "t56"
  GROUP BY
    1
) AS "t58"
  ON "t5"."_pid" = "t58"."_apid";
