-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- retention_cost_per_customer · duckdb · monthly, company scope, no split
SELECT
  "t5"."_pid",
  COALESCE("t31"."spend", 0.0) / NULLIF(COALESCE("t31"."retained", 0.0), 0) AS "value",
  COALESCE("t31"."spend", 0.0) AS "numerator",
  COALESCE("t31"."retained", 0.0) AS "denominator",
  COALESCE("t31"."revenue", 0.0) / NULLIF(COALESCE("t31"."retained", 0.0), 0) AS "revenue_per_retained_customer"
FROM "pulso_periods" AS "t5"
LEFT OUTER JOIN (
  SELECT
    "t29"."_pid" AS "_apid",
    SUM("t29"."spend") AS "spend",
    SUM("t29"."retained") AS "retained",
    SUM("t29"."revenue") AS "revenue"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t27"."_pid",
        CAST(NULL AS DOUBLE) AS "spend",
        CAST(NULL AS DOUBLE) AS "retained",
        "t27"."_m_revenue" AS "revenue"
      FROM (
        SELECT
          "t26"."id",
          "t26"."external_id",
          "t26"."account_id",
          "t26"."deal_id",
          "t26"."product",
          "t26"."amount",
          "t26"."currency",
          "t26"."ordered_at",
          "t26"."_acquired",
          "t26"."_churned",
          "t26"."_m_revenue",
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
              "t20"."id",
              "t20"."external_id",
              "t20"."account_id",
              "t20"."deal_id",
              "t20"."product",
              "t20"."amount",
              "t20"."currency",
              "t20"."ordered_at",
              "t20"."_acquired",
              "t20"."_churned",
              COALESCE(CAST("t20"."amount" AS DOUBLE), 0.0) AS "_m_revenue"
            FROM (
              SELECT
                "t19".*
                EXCLUDE ("_aid")
              FROM (
                SELECT
                  "t15"."id",
                  "t15"."external_id",
                  "t15"."account_id",
                  "t15"."deal_id",
                  "t15"."product",
                  "t15"."amount",
                  "t15"."currency",
                  "t15"."ordered_at",
                  "t11"."_aid",
                  "t11"."_acquired",
                  "t11"."_churned"
                FROM (
                  SELECT
                    *
                  FROM "orders" AS "t4"
                  WHERE
                    (
                      (
                        "t4"."ordered_at" >= GETVARIABLE('pulso_lo')
                      )
                      AND (
                        "t4"."ordered_at" < GETVARIABLE('pulso_hi')
                      )
                    )
                    OR (
                      (
                        "t4"."ordered_at" >= GETVARIABLE('pulso_lo2')
                      )
                      AND (
                        "t4"."ordered_at" < GETVARIABLE('pulso_hi2')
                      )
                    )
                ) AS "t15"
                INNER JOIN (
                  SELECT
                    "t3"."id" AS "_aid",
                    "t3"."acquired_at" AS "_acquired",
                    "t3"."churned_at" AS "_churned"
                  FROM "accounts" AS "t3"
                ) AS "t11"
                  ON "t15"."account_id" = "t11"."_aid"
              ) AS "t19"
            ) AS "t20"
          ) AS "t22"
          WHERE
            (
              (
                "t22"."ordered_at" >= GETVARIABLE('pulso_lo')
              )
              AND (
                "t22"."ordered_at" < GETVARIABLE('pulso_hi')
              )
            )
            OR (
              (
                "t22"."ordered_at" >= GETVARIABLE('pulso_lo2')
              )
              AND (
                "t22"."ordered_at" < GETVARIABLE('pulso_hi2')
              )
            )
        ) AS "t26"
        INNER JOIN "pulso_period_slots" AS "t7"
          ON CAST(FLOOR((
            EPOCH_US("t26"."ordered_at")
          ) / (
            3600000000
          )) AS BIGINT) = "t7"."_slot"
      ) AS "t27"
      WHERE
        "t27"."_acquired" < "t27"."_p_start"
        AND (
          (
            "t27"."_churned" IS NULL
          ) OR (
            "t27"."_churned" >= "t27"."_p_end"
          )
        )
    ) AS "t28"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t16"."_pid",
          COALESCE(CAST("t16"."amount" AS DOUBLE), 0.0) * (
            CAST(LEAST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t16"."period_end") + 1, "t16"."_e_end") - GREATEST(DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t16"."period_start"), "t16"."_e_start") AS DOUBLE) / CAST((
              DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t16"."period_end") - DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t16"."period_start")
            ) + 1 AS DOUBLE)
          ) AS "spend",
          CAST(NULL AS DOUBLE) AS "retained",
          CAST(NULL AS DOUBLE) AS "revenue"
        FROM (
          SELECT
            "t12"."id",
            "t12"."external_id",
            "t12"."category",
            "t12"."channel",
            "t12"."campaign_id",
            "t12"."period_start",
            "t12"."period_end",
            "t12"."amount",
            "t12"."currency",
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
            FROM "spend" AS "t2"
            WHERE
              "t2"."category" = 'retention'
          ) AS "t12"
          INNER JOIN "pulso_periods" AS "t6"
            ON DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t12"."period_start") < "t6"."_e_end"
            AND DATE_DIFF('DAY', MAKE_DATE(1970, 1, 1), "t12"."period_end") >= "t6"."_e_start"
        ) AS "t16"
      ) AS "t23"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t6"."_pid",
          CAST(NULL AS DOUBLE) AS "spend",
          "t18"."_m_retained" AS "retained",
          CAST(NULL AS DOUBLE) AS "revenue"
        FROM (
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
                CAST(1 AS DOUBLE) AS "_m_retained"
              FROM "accounts" AS "t3"
            ) AS "t9"
            WHERE
              "t9"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
          ) AS "t13"
          WHERE
            (
              "t13"."churned_at" IS NULL
            )
            OR (
              "t13"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
            )
        ) AS "t18"
        INNER JOIN "pulso_periods" AS "t6"
          ON "t18"."acquired_at" < "t6"."_p_start"
          AND COALESCE("t18"."churned_at", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) >= "t6"."_p_end"
      ) AS "t21"
    ) AS "t24"
  ) AS "t29"
  GROUP BY
    1
) AS "t31"
  ON "t5"."_pid" = "t31"."_apid";
