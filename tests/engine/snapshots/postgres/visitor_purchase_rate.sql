-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- visitor_purchase_rate · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t12"."bought", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t12"."visitors", 0.0), 0) AS "value",
  COALESCE("t12"."bought", 0.0) AS "numerator",
  COALESCE("t12"."visitors", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t10"."_pid" AS "_apid",
    SUM("t10"."visitors") AS "visitors",
    SUM("t10"."bought") AS "bought"
  FROM (
    SELECT
      "t4"."_pid",
      CAST(CASE
        WHEN COALESCE(
          (
            "t7"."_prev_start" IS NULL
          ) OR (
            "t7"."_prev_start" < "t4"."_p_start"
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END AS DOUBLE PRECISION) AS "visitors",
      CAST(CASE
        WHEN COALESCE(
          (
            "t7"."_prev_start" IS NULL
          ) OR (
            "t7"."_prev_start" < "t4"."_p_start"
          ),
          FALSE
        )
        THEN 1
        ELSE 0
      END * CAST(COALESCE("t9"."_customer", 0) AS BIGINT) AS DOUBLE PRECISION) AS "bought"
    FROM (
      SELECT
        "t1"."visitor_id" AS "id",
        "t1"."started_at",
        "t1"."source",
        LAG("t1"."started_at") OVER (
          PARTITION BY "t1"."visitor_id"
          ORDER BY "t1"."started_at" ASC, "t1"."id" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS "_prev_start"
      FROM "web_sessions" AS "t1"
    ) AS "t7"
    LEFT OUTER JOIN (
      SELECT
        "t5"."visitor_id" AS "_vid",
        CASE
          WHEN COUNT("t5"."id") IS NULL
          THEN COUNT("t5"."id")
          ELSE LEAST(1, COUNT("t5"."id"))
        END AS "_lead",
        MAX(CASE WHEN COALESCE("t5"."converted_at" IS NOT NULL, FALSE) THEN 1 ELSE 0 END) AS "_customer"
      FROM (
        SELECT
          *
        FROM "leads" AS "t2"
        WHERE
          "t2"."visitor_id" IS NOT NULL
      ) AS "t5"
      GROUP BY
        1
    ) AS "t9"
      ON "t7"."id" = "t9"."_vid"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t7"."started_at" >= "t4"."_p_start" AND "t7"."started_at" < "t4"."_p_end"
  ) AS "t10"
  GROUP BY
    1
) AS "t12"
  ON "t3"."_pid" = "t12"."_apid";
