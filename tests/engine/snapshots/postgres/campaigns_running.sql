-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- campaigns_running · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  COALESCE("t8"."campaigns", 0.0) AS "value",
  COALESCE("t8"."campaigns", 0.0) AS "numerator",
  CAST(NULL AS DOUBLE PRECISION) AS "denominator"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."campaigns") AS "campaigns"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_campaigns" AS "campaigns"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."name",
        "t1"."channel",
        "t1"."started_at",
        "t1"."ended_at",
        "t1"."cost",
        "t1"."currency",
        CAST(1 AS DOUBLE PRECISION) AS "_m_campaigns"
      FROM "campaigns" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."started_at" < "t3"."_p_end"
      AND COALESCE("t5"."ended_at", CAST('9999-12-31T00:00:00+00:00' AS TIMESTAMPTZ)) > "t3"."_p_start"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";
