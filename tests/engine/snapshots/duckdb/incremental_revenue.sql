-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- incremental_revenue · duckdb · monthly, company scope, no split
WITH "t11" AS (
  SELECT
    "t1"."id",
    "t1"."external_id",
    "t1"."name",
    "t1"."channel",
    "t1"."started_at",
    "t1"."ended_at",
    "t1"."cost",
    "t1"."currency",
    GREATEST(
      COALESCE("t1"."ended_at", CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS TIMESTAMPTZ)),
      "t1"."started_at" + INTERVAL '1' SECOND
    ) AS "_until"
  FROM "campaigns" AS "t1"
), "t15" AS (
  SELECT
    "t7"."b_start",
    "t7"."b_end"
  FROM "pulso_baseline" AS "t7"
  ANTI JOIN "campaigns" AS "t6"
    ON "t6"."started_at" < "t7"."b_end"
    AND COALESCE("t6"."ended_at", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) > "t7"."b_start"
), "t34" AS (
  SELECT
    "t33"."id",
    "t33"."external_id",
    "t33"."name",
    "t33"."channel",
    "t33"."started_at",
    "t33"."ended_at",
    "t33"."cost",
    "t33"."currency",
    "t33"."_until",
    "t33"."_t",
    "t33"."_t2",
    COUNT("t33"."id") OVER (PARTITION BY "t33"."_t" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "_k"
  FROM (
    SELECT
      "t16"."id",
      "t16"."external_id",
      "t16"."name",
      "t16"."channel",
      "t16"."started_at",
      "t16"."ended_at",
      "t16"."cost",
      "t16"."currency",
      "t16"."_until",
      "t30"."_t",
      "t30"."_t2"
    FROM "t11" AS "t16"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t21"."_t",
          LEAD("t21"."_t") OVER (ORDER BY "t21"."_t" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "_t2"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t13"."started_at" AS "_t"
              FROM "t11" AS "t13"
            ) AS "t18"
            UNION
            SELECT
              *
            FROM (
              SELECT
                "t13"."_until" AS "_t"
              FROM "t11" AS "t13"
            ) AS "t19"
          ) AS "t20"
          UNION
          SELECT
            *
          FROM (
            SELECT
              *
            FROM (
              SELECT
                "t0"."_p_start" AS "_t"
              FROM "pulso_periods" AS "t0"
            ) AS "t8"
            UNION
            SELECT
              *
            FROM (
              SELECT
                "t0"."_p_end" AS "_t"
              FROM "pulso_periods" AS "t0"
            ) AS "t9"
          ) AS "t10"
        ) AS "t21"
      ) AS "t25"
      WHERE
        "t25"."_t2" IS NOT NULL
    ) AS "t30"
      ON "t16"."started_at" <= "t30"."_t" AND "t16"."_until" >= "t30"."_t2"
  ) AS "t33"
)
SELECT
  "t4"."_pid",
  CASE
    WHEN COALESCE("t50"."unknown", 0.0) > 0
    THEN CAST(NULL AS DOUBLE)
    ELSE COALESCE("t50"."incremental", 0.0)
  END AS "value",
  CASE
    WHEN COALESCE("t50"."unknown", 0.0) > 0
    THEN CAST(NULL AS DOUBLE)
    ELSE COALESCE("t50"."incremental", 0.0)
  END AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator",
  COALESCE("t50"."revenue_during", 0.0) AS "revenue_during",
  COALESCE("t50"."baseline", 0.0) AS "baseline",
  COALESCE("t50"."cost", 0.0) AS "cost"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t48"."_pid" AS "_apid",
    SUM("t48"."incremental") AS "incremental",
    SUM("t48"."revenue_during") AS "revenue_during",
    SUM("t48"."baseline") AS "baseline",
    SUM("t48"."unknown") AS "unknown",
    SUM("t48"."cost") AS "cost"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t46"."_m_incremental" AS "incremental",
        "t46"."_m_revenue_during" AS "revenue_during",
        "t46"."_m_baseline" AS "baseline",
        "t46"."_m_unknown" AS "unknown",
        CAST(NULL AS DOUBLE) AS "cost"
      FROM (
        SELECT
          "t44"."id",
          "t44"."external_id",
          "t44"."name",
          "t44"."channel",
          "t44"."started_at",
          "t44"."ended_at",
          "t44"."cost",
          "t44"."currency",
          "t44"."_until",
          "t44"."_t",
          "t44"."_t2",
          "t44"."_k",
          "t44"."_seg_revenue",
          "t44"."_per_day",
          (
            "t44"."_seg_revenue" - (
              "t44"."_per_day" * (
                (
                  CAST(EPOCH_US("t44"."_t2") - EPOCH_US("t44"."_t") AS DOUBLE) / 1000000.0
                ) / 86400.0
              )
            )
          ) / "t44"."_k" AS "_m_incremental",
          "t44"."_seg_revenue" / "t44"."_k" AS "_m_revenue_during",
          (
            "t44"."_per_day" * (
              (
                CAST(EPOCH_US("t44"."_t2") - EPOCH_US("t44"."_t") AS DOUBLE) / 1000000.0
              ) / 86400.0
            )
          ) / "t44"."_k" AS "_m_baseline",
          CAST(CASE WHEN COALESCE("t44"."_per_day" IS NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_unknown"
        FROM (
          SELECT
            "t43"."id",
            "t43"."external_id",
            "t43"."name",
            "t43"."channel",
            "t43"."started_at",
            "t43"."ended_at",
            "t43"."cost",
            "t43"."currency",
            "t43"."_until",
            "t43"."_t",
            "t43"."_t2",
            "t43"."_k",
            COALESCE("t43"."_seg_revenue", 0.0) AS "_seg_revenue",
            COALESCE(
              (
                SELECT
                  SUM("t31"."_amount") AS "Sum(_amount)"
                FROM (
                  SELECT
                    "t7"."b_start",
                    "t7"."b_end",
                    "t26"."_closed",
                    "t26"."_amount"
                  FROM "pulso_baseline" AS "t7"
                  ANTI JOIN "campaigns" AS "t6"
                    ON "t6"."started_at" < "t7"."b_end"
                    AND COALESCE("t6"."ended_at", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) > "t7"."b_start"
                  INNER JOIN (
                    SELECT
                      "t3"."closed_at" AS "_closed",
                      COALESCE(CAST("t3"."amount" AS DOUBLE), 0.0) AS "_amount"
                    FROM "deals" AS "t3"
                    WHERE
                      "t3"."status" = 'won'
                      AND "t3"."closed_at" IS NOT NULL
                      AND "t3"."closed_at" >= (
                        SELECT
                          MIN("t17"."b_start") AS "Min(b_start)"
                        FROM "t15" AS "t17"
                      )
                      AND "t3"."closed_at" < (
                        SELECT
                          MAX("t17"."b_end") AS "Max(b_end)"
                        FROM "t15" AS "t17"
                      )
                  ) AS "t26"
                    ON "t26"."_closed" >= "t7"."b_start" AND "t26"."_closed" < "t7"."b_end"
                ) AS "t31"
              ),
              0.0
            ) / NULLIF(
              (
                SELECT
                  SUM(
                    (
                      CAST(EPOCH_US("t17"."b_end") - EPOCH_US("t17"."b_start") AS DOUBLE) / 1000000.0
                    ) / 86400.0
                  ) AS "Sum(Divide(Divide(Cast(Subtract(epoch_us_0(b_end), epoch_us_0(b_start)), float64), 1000000.0), 86400.0))"
                FROM "t15" AS "t17"
              ),
              0
            ) AS "_per_day"
          FROM (
            SELECT
              "t42".*
              EXCLUDE ("_rt")
            FROM (
              SELECT
                "t36"."id",
                "t36"."external_id",
                "t36"."name",
                "t36"."channel",
                "t36"."started_at",
                "t36"."ended_at",
                "t36"."cost",
                "t36"."currency",
                "t36"."_until",
                "t36"."_t",
                "t36"."_t2",
                "t36"."_k",
                "t41"."_rt",
                "t41"."_seg_revenue"
              FROM "t34" AS "t36"
              LEFT OUTER JOIN (
                SELECT
                  "t39"."_rt",
                  SUM("t39"."_amount") AS "_seg_revenue"
                FROM (
                  SELECT
                    "t38"."_rt",
                    "t38"."_rt2",
                    "t14"."_closed",
                    "t14"."_amount"
                  FROM (
                    SELECT DISTINCT
                      "t35"."_t" AS "_rt",
                      "t35"."_t2" AS "_rt2"
                    FROM "t34" AS "t35"
                  ) AS "t38"
                  INNER JOIN (
                    SELECT
                      "t3"."closed_at" AS "_closed",
                      COALESCE(CAST("t3"."amount" AS DOUBLE), 0.0) AS "_amount"
                    FROM "deals" AS "t3"
                    WHERE
                      "t3"."status" = 'won' AND "t3"."closed_at" IS NOT NULL
                  ) AS "t14"
                    ON "t14"."_closed" >= "t38"."_rt" AND "t14"."_closed" < "t38"."_rt2"
                ) AS "t39"
                GROUP BY
                  1
              ) AS "t41"
                ON "t36"."_t" = "t41"."_rt"
            ) AS "t42"
          ) AS "t43"
        ) AS "t44"
      ) AS "t46"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t46"."_t" < "t5"."_p_end"
        AND COALESCE("t46"."_t2", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) > "t5"."_p_start"
    ) AS "t47"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        -(
          (
            COALESCE(CAST("t16"."cost" AS DOUBLE), 0.0) * GREATEST(
              CAST(EPOCH_US(LEAST("t16"."_until", "t5"."_p_end")) - EPOCH_US(GREATEST("t16"."started_at", "t5"."_p_start")) AS DOUBLE) / 1000000.0,
              0.0
            )
          ) / (
            CAST(EPOCH_US("t16"."_until") - EPOCH_US("t16"."started_at") AS DOUBLE) / 1000000.0
          )
        ) AS "incremental",
        CAST(NULL AS DOUBLE) AS "revenue_during",
        CAST(NULL AS DOUBLE) AS "baseline",
        CAST(NULL AS DOUBLE) AS "unknown",
        (
          COALESCE(CAST("t16"."cost" AS DOUBLE), 0.0) * GREATEST(
            CAST(EPOCH_US(LEAST("t16"."_until", "t5"."_p_end")) - EPOCH_US(GREATEST("t16"."started_at", "t5"."_p_start")) AS DOUBLE) / 1000000.0,
            0.0
          )
        ) / (
          CAST(EPOCH_US("t16"."_until") - EPOCH_US("t16"."started_at") AS DOUBLE) / 1000000.0
        ) AS "cost"
      FROM "t11" AS "t16"
      INNER JOIN "pulso_periods" AS "t5"
        ON "t16"."started_at" < "t5"."_p_end"
        AND COALESCE("t16"."_until", MAKE_TIMESTAMPTZ(9999, 12, 31, 0, 0, 0.0, 'UTC')) > "t5"."_p_start"
    ) AS "t29"
  ) AS "t48"
  GROUP BY
    1
) AS "t50"
  ON "t4"."_pid" = "t50"."_apid";
