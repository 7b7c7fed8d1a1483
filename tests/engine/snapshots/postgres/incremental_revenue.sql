-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- incremental_revenue · postgres · monthly, company scope, no split
WITH "t13" AS (
  SELECT
    "t8"."b_start",
    "t8"."b_end"
  FROM "pulso_baseline" AS "t8"
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM "campaigns" AS "t7"
      WHERE
        "t7"."started_at" < "t8"."b_end"
        AND COALESCE("t7"."ended_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) > "t8"."b_start"
    )
)
SELECT
  "t4"."_pid",
  COALESCE("t34"."incremental", 0.0) AS "value",
  COALESCE("t34"."incremental", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator",
  COALESCE("t34"."revenue_during", 0.0) AS "revenue_during",
  COALESCE("t34"."baseline", 0.0) AS "baseline",
  COALESCE("t34"."cost", 0.0) AS "cost"
FROM "pulso_periods" AS "t4"
LEFT OUTER JOIN (
  SELECT
    "t32"."_pid" AS "_apid",
    SUM("t32"."incremental") AS "incremental",
    SUM("t32"."revenue_during") AS "revenue_during",
    SUM("t32"."baseline") AS "baseline",
    SUM("t32"."cost") AS "cost"
  FROM (
    SELECT
      "t5"."_pid",
      "t31"."_m_incremental" AS "incremental",
      "t31"."_m_revenue_during" AS "revenue_during",
      "t31"."_m_baseline" AS "baseline",
      "t31"."_m_cost" AS "cost"
    FROM (
      SELECT
        "t29"."id",
        "t29"."external_id",
        "t29"."name",
        "t29"."channel",
        "t29"."started_at",
        "t29"."ended_at",
        "t29"."cost",
        "t29"."currency",
        "t29"."_window_days",
        "t29"."_revenue_during",
        "t29"."_baseline",
        (
          "t29"."_revenue_during" - "t29"."_baseline"
        ) - COALESCE(CAST("t29"."cost" AS DOUBLE PRECISION), 0.0) AS "_m_incremental",
        "t29"."_revenue_during" AS "_m_revenue_during",
        "t29"."_baseline" AS "_m_baseline",
        COALESCE(CAST("t29"."cost" AS DOUBLE PRECISION), 0.0) AS "_m_cost"
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
          "t28"."_window_days",
          "t28"."_revenue_during",
          "t28"."_baseline"
        FROM (
          SELECT
            "t27"."id",
            "t27"."external_id",
            "t27"."name",
            "t27"."channel",
            "t27"."started_at",
            "t27"."ended_at",
            "t27"."cost",
            "t27"."currency",
            "t27"."_during",
            "t27"."_window_days",
            COALESCE("t27"."_during", 0.0) AS "_revenue_during",
            COALESCE(
              CAST((
                SELECT
                  SUM("t24"."_amount") AS "Sum(_amount)"
                FROM (
                  SELECT
                    "t8"."b_start",
                    "t8"."b_end",
                    "t22"."_closed",
                    "t22"."_amount"
                  FROM "pulso_baseline" AS "t8"
                  INNER JOIN (
                    SELECT
                      "t3"."closed_at" AS "_closed",
                      COALESCE(CAST("t3"."amount" AS DOUBLE PRECISION), 0.0) AS "_amount"
                    FROM "deals" AS "t3"
                    WHERE
                      "t3"."status" = 'won'
                      AND "t3"."closed_at" IS NOT NULL
                      AND "t3"."closed_at" >= (
                        SELECT
                          MIN("t14"."b_start") AS "Min(b_start)"
                        FROM "t13" AS "t14"
                      )
                      AND "t3"."closed_at" < (
                        SELECT
                          MAX("t14"."b_end") AS "Max(b_end)"
                        FROM "t13" AS "t14"
                      )
                  ) AS "t22"
                    ON "t22"."_closed" >= "t8"."b_start" AND "t22"."_closed" < "t8"."b_end"
                  WHERE
                    NOT EXISTS(
                      SELECT
                        1
                      FROM "campaigns" AS "t7"
                      WHERE
                        "t7"."started_at" < "t8"."b_end"
                        AND COALESCE("t7"."ended_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) > "t8"."b_start"
                    )
                ) AS "t24"
              ) AS DOUBLE PRECISION) / NULLIF(
                (
                  SELECT
                    SUM(
                      CAST(EXTRACT('epoch' FROM "t14"."b_end") - EXTRACT('epoch' FROM "t14"."b_start") AS DOUBLE PRECISION) / 86400.0
                    ) AS "Sum(Divide(Cast(Subtract(ExtractEpochSeconds(b_end), ExtractEpochSeconds(b_start)), float64), 86400.0))"
                  FROM "t13" AS "t14"
                ),
                0
              ),
              0.0
            ) * "t27"."_window_days" AS "_baseline"
          FROM (
            SELECT
              "t25"."id",
              "t25"."external_id",
              "t25"."name",
              "t25"."channel",
              "t25"."started_at",
              "t25"."ended_at",
              "t25"."cost",
              "t25"."currency",
              "t25"."_during",
              CAST(EXTRACT('epoch' FROM COALESCE("t25"."ended_at", CAST(CURRENT_TIMESTAMP AS TIMESTAMPTZ))) - EXTRACT('epoch' FROM "t25"."started_at") AS DOUBLE PRECISION) / 86400.0 AS "_window_days"
            FROM (
              SELECT
                "t23"."id",
                "t23"."external_id",
                "t23"."name",
                "t23"."channel",
                "t23"."started_at",
                "t23"."ended_at",
                "t23"."cost",
                "t23"."currency",
                "t23"."_during"
              FROM (
                SELECT
                  "t6"."id",
                  "t6"."external_id",
                  "t6"."name",
                  "t6"."channel",
                  "t6"."started_at",
                  "t6"."ended_at",
                  "t6"."cost",
                  "t6"."currency",
                  "t20"."_wid",
                  "t20"."_during"
                FROM "campaigns" AS "t6"
                LEFT OUTER JOIN (
                  SELECT
                    "t15"."_wid",
                    SUM("t15"."_amount") AS "_during"
                  FROM (
                    SELECT
                      "t10"."_wid",
                      "t10"."_from",
                      "t10"."_to",
                      "t12"."_closed",
                      "t12"."_amount"
                    FROM (
                      SELECT
                        "t1"."id" AS "_wid",
                        "t1"."started_at" AS "_from",
                        COALESCE("t1"."ended_at", CAST(CURRENT_TIMESTAMP AS TIMESTAMPTZ)) AS "_to"
                      FROM "campaigns" AS "t1"
                    ) AS "t10"
                    INNER JOIN (
                      SELECT
                        "t3"."closed_at" AS "_closed",
                        COALESCE(CAST("t3"."amount" AS DOUBLE PRECISION), 0.0) AS "_amount"
                      FROM "deals" AS "t3"
                      WHERE
                        "t3"."status" = 'won' AND "t3"."closed_at" IS NOT NULL
                    ) AS "t12"
                      ON "t12"."_closed" >= "t10"."_from" AND "t12"."_closed" < "t10"."_to"
                  ) AS "t15"
                  GROUP BY
                    1
                ) AS "t20"
                  ON "t6"."id" = "t20"."_wid"
              ) AS "t23"
            ) AS "t25"
          ) AS "t27"
        ) AS "t28"
      ) AS "t29"
    ) AS "t31"
    INNER JOIN "pulso_periods" AS "t5"
      ON "t31"."started_at" >= "t5"."_p_start" AND "t31"."started_at" < "t5"."_p_end"
  ) AS "t32"
  GROUP BY
    1
) AS "t34"
  ON "t4"."_pid" = "t34"."_apid";
