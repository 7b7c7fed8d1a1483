-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- renewal_rate · postgres · monthly, company scope, no split
SELECT
  "t2"."_pid",
  CAST(COALESCE("t8"."renewed", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t8"."ending", 0.0), 0) AS "value",
  COALESCE("t8"."renewed", 0.0) AS "numerator",
  COALESCE("t8"."ending", 0.0) AS "denominator"
FROM "pulso_periods" AS "t2"
LEFT OUTER JOIN (
  SELECT
    "t6"."_pid" AS "_apid",
    SUM("t6"."renewed") AS "renewed",
    SUM("t6"."ending") AS "ending"
  FROM (
    SELECT
      "t3"."_pid",
      "t5"."_m_renewed" AS "renewed",
      "t5"."_m_ending" AS "ending"
    FROM (
      SELECT
        "t1"."id",
        "t1"."external_id",
        "t1"."account_id",
        "t1"."plan",
        "t1"."monthly_amount",
        "t1"."currency",
        "t1"."started_at",
        "t1"."term_end_at",
        "t1"."renewed",
        "t1"."cancelled_at",
        CAST(CASE WHEN COALESCE("t1"."renewed", FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_renewed",
        CAST(1 AS DOUBLE PRECISION) AS "_m_ending"
      FROM "subscriptions" AS "t1"
    ) AS "t5"
    INNER JOIN "pulso_periods" AS "t3"
      ON "t5"."term_end_at" >= "t3"."_p_start" AND "t5"."term_end_at" < "t3"."_p_end"
  ) AS "t6"
  GROUP BY
    1
) AS "t8"
  ON "t2"."_pid" = "t8"."_apid";

-- renewal_rate · postgres · monthly, company scope, by owner
WITH "t12" AS (
  SELECT
    "t11"."_pid" AS "_apid",
    "t11"."_d_owner" AS "_a_d_owner",
    SUM("t11"."renewed") AS "renewed",
    SUM("t11"."ending") AS "ending"
  FROM (
    SELECT
      "t4"."_pid",
      "t10"."_d_owner",
      "t10"."_m_renewed" AS "renewed",
      "t10"."_m_ending" AS "ending"
    FROM (
      SELECT
        "t8"."id",
        "t8"."external_id",
        "t8"."account_id",
        "t8"."plan",
        "t8"."monthly_amount",
        "t8"."currency",
        "t8"."started_at",
        "t8"."term_end_at",
        "t8"."renewed",
        "t8"."cancelled_at",
        "t8"."_owner",
        "t8"."_d_owner",
        CAST(CASE WHEN COALESCE("t8"."renewed", FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_renewed",
        CAST(1 AS DOUBLE PRECISION) AS "_m_ending"
      FROM (
        SELECT
          "t5"."id",
          "t5"."external_id",
          "t5"."account_id",
          "t5"."plan",
          "t5"."monthly_amount",
          "t5"."currency",
          "t5"."started_at",
          "t5"."term_end_at",
          "t5"."renewed",
          "t5"."cancelled_at",
          "t7"."_lk1_owner_id" AS "_owner",
          "t7"."_lk1_owner_id" AS "_d_owner"
        FROM "subscriptions" AS "t5"
        LEFT OUTER JOIN (
          SELECT
            "t2"."id" AS "_lk1_key",
            "t2"."owner_id" AS "_lk1_owner_id"
          FROM "accounts" AS "t2"
        ) AS "t7"
          ON "t5"."account_id" = "t7"."_lk1_key"
      ) AS "t8"
    ) AS "t10"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t10"."term_end_at" >= "t4"."_p_start" AND "t10"."term_end_at" < "t4"."_p_end"
  ) AS "t11"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t16"."_d_owner" AS "owner",
  CAST(COALESCE("t14"."renewed", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t14"."ending", 0.0), 0) AS "value",
  COALESCE("t14"."renewed", 0.0) AS "numerator",
  COALESCE("t14"."ending", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t13"."_a_d_owner" AS "_d_owner"
  FROM "t12" AS "t13"
) AS "t16"
LEFT OUTER JOIN "t12" AS "t14"
  ON "t3"."_pid" = "t14"."_apid"
  AND "t16"."_d_owner" IS NOT DISTINCT FROM "t14"."_a_d_owner";
