-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- incremental_revenue · duckdb · monthly, company scope, no split
WITH "t14" AS (
  SELECT
    "t9"."b_start",
    "t9"."b_end"
  FROM "pulso_baseline" AS "t9"
  ANTI JOIN "campaigns" AS "t8"
    ON "t8"."started_at" < "t9"."b_end"
    AND COALESCE("t8"."ended_at", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) > "t9"."b_start"
)
SELECT
  "t5"."_pid",
  COALESCE("t36"."incremental", 0.0) AS "value",
  COALESCE("t36"."incremental", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator",
  COALESCE("t36"."revenue_during", 0.0) AS "revenue_during",
  COALESCE("t36"."baseline", 0.0) AS "baseline",
  COALESCE("t36"."cost", 0.0) AS "cost"
FROM "pulso_periods" AS "t5"
LEFT OUTER JOIN (
  SELECT
    "t34"."_pid" AS "_apid",
    SUM("t34"."incremental") AS "incremental",
    SUM("t34"."revenue_during") AS "revenue_during",
    SUM("t34"."baseline") AS "baseline",
    SUM("t34"."cost") AS "cost"
  FROM (
    SELECT
      "t6"."_pid",
      "t33"."_m_incremental" AS "incremental",
      "t33"."_m_revenue_during" AS "revenue_during",
      "t33"."_m_baseline" AS "baseline",
      "t33"."_m_cost" AS "cost"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t30"."id",
          "t30"."external_id",
          "t30"."name",
          "t30"."channel",
          "t30"."started_at",
          "t30"."ended_at",
          "t30"."cost",
          "t30"."currency",
          "t30"."_window_days",
          "t30"."_revenue_during",
          "t30"."_baseline",
          (
            "t30"."_revenue_during" - "t30"."_baseline"
          ) - COALESCE(CAST("t30"."cost" AS DOUBLE), 0.0) AS "_m_incremental",
          "t30"."_revenue_during" AS "_m_revenue_during",
          "t30"."_baseline" AS "_m_baseline",
          COALESCE(CAST("t30"."cost" AS DOUBLE), 0.0) AS "_m_cost"
        FROM (
          SELECT
            "t29".*
            EXCLUDE ("_during")
          FROM (
            SELECT
              "t28"."id",
              "t28"."external_id",
              "t28"."name",
              "t28"."channel",
              "t28"."started_at",
              "t28"."ended_at",
              "t28"."cost",
              "t28"."currency",
              "t28"."_during",
              "t28"."_window_days",
              COALESCE("t28"."_during", 0.0) AS "_revenue_during",
              COALESCE(
                (
                  SELECT
                    SUM("t25"."_amount") AS "Sum(_amount)"
                  FROM (
                    SELECT
                      "t9"."b_start",
                      "t9"."b_end",
                      "t22"."_closed",
                      "t22"."_amount"
                    FROM "pulso_baseline" AS "t9"
                    ANTI JOIN "campaigns" AS "t8"
                      ON "t8"."started_at" < "t9"."b_end"
                      AND COALESCE("t8"."ended_at", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) > "t9"."b_start"
                    INNER JOIN (
                      SELECT
                        "t4"."closed_at" AS "_closed",
                        COALESCE(CAST("t4"."amount" AS DOUBLE), 0.0) AS "_amount"
                      FROM "deals" AS "t4"
                      WHERE
                        "t4"."status" = 'won'
                        AND "t4"."closed_at" IS NOT NULL
                        AND "t4"."closed_at" >= (
                          SELECT
                            MIN("t15"."b_start") AS "Min(b_start)"
                          FROM "t14" AS "t15"
                        )
                        AND "t4"."closed_at" < (
                          SELECT
                            MAX("t15"."b_end") AS "Max(b_end)"
                          FROM "t14" AS "t15"
                        )
                    ) AS "t22"
                      ON "t22"."_closed" >= "t9"."b_start" AND "t22"."_closed" < "t9"."b_end"
                  ) AS "t25"
                ) / NULLIF(
                  (
                    SELECT
                      SUM(
                        (
                          CAST(EPOCH_US("t15"."b_end") - EPOCH_US("t15"."b_start") AS DOUBLE) / 1000000.0
                        ) / 86400.0
                      ) AS "Sum(Divide(Divide(Cast(Subtract(epoch_us_0(b_end), epoch_us_0(b_start)), float64), 1000000.0), 86400.0))"
                    FROM "t14" AS "t15"
                  ),
                  0
                ),
                0.0
              ) * "t28"."_window_days" AS "_baseline"
            FROM (
              SELECT
                "t26"."id",
                "t26"."external_id",
                "t26"."name",
                "t26"."channel",
                "t26"."started_at",
                "t26"."ended_at",
                "t26"."cost",
                "t26"."currency",
                "t26"."_during",
                (
                  CAST(EPOCH_US(
                    COALESCE("t26"."ended_at", CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIMESTAMPTZ))
                  ) - EPOCH_US("t26"."started_at") AS DOUBLE) / 1000000.0
                ) / 86400.0 AS "_window_days"
              FROM (
                SELECT
                  "t24".*
                  EXCLUDE ("_wid")
                FROM (
                  SELECT
                    "t7"."id",
                    "t7"."external_id",
                    "t7"."name",
                    "t7"."channel",
                    "t7"."started_at",
                    "t7"."ended_at",
                    "t7"."cost",
                    "t7"."currency",
                    "t21"."_wid",
                    "t21"."_during"
                  FROM "campaigns" AS "t7"
                  LEFT OUTER JOIN (
                    SELECT
                      "t16"."_wid",
                      SUM("t16"."_amount") AS "_during"
                    FROM (
                      SELECT
                        "t11"."_wid",
                        "t11"."_from",
                        "t11"."_to",
                        "t13"."_closed",
                        "t13"."_amount"
                      FROM (
                        SELECT
                          "t2"."id" AS "_wid",
                          "t2"."started_at" AS "_from",
                          COALESCE("t2"."ended_at", CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIMESTAMPTZ)) AS "_to"
                        FROM "campaigns" AS "t2"
                      ) AS "t11"
                      INNER JOIN (
                        SELECT
                          "t4"."closed_at" AS "_closed",
                          COALESCE(CAST("t4"."amount" AS DOUBLE), 0.0) AS "_amount"
                        FROM "deals" AS "t4"
                        WHERE
                          "t4"."status" = 'won' AND "t4"."closed_at" IS NOT NULL
                      ) AS "t13"
                        ON "t13"."_closed" >= "t11"."_from" AND "t13"."_closed" < "t11"."_to"
                    ) AS "t16"
                    GROUP BY
                      1
                  ) AS "t21"
                    ON "t7"."id" = "t21"."_wid"
                ) AS "t24"
              ) AS "t26"
            ) AS "t28"
          ) AS "t29"
        ) AS "t30"
      ) AS "t31"
      WHERE
        (
          (
            "t31"."started_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t31"."started_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t31"."started_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t31"."started_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t33"
    INNER JOIN "pulso_period_slots" AS "t6"
      ON CAST(FLOOR((
        EPOCH_US("t33"."started_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t6"."_slot"
  ) AS "t34"
  GROUP BY
    1
) AS "t36"
  ON "t5"."_pid" = "t36"."_apid";
