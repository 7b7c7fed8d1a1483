-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- renewal_rate · duckdb · monthly, company scope, no split
SELECT
  "t3"."_pid",
  COALESCE("t10"."renewed", 0.0) / NULLIF(COALESCE("t10"."ending", 0.0), 0) AS "value",
  COALESCE("t10"."renewed", 0.0) AS "numerator",
  COALESCE("t10"."ending", 0.0) AS "denominator"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t8"."_pid" AS "_apid",
    SUM("t8"."renewed") AS "renewed",
    SUM("t8"."ending") AS "ending"
  FROM (
    SELECT
      "t4"."_pid",
      "t7"."_m_renewed" AS "renewed",
      "t7"."_m_ending" AS "ending"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t2"."id",
          "t2"."external_id",
          "t2"."account_id",
          "t2"."plan",
          "t2"."monthly_amount",
          "t2"."currency",
          "t2"."started_at",
          "t2"."term_end_at",
          "t2"."renewed",
          "t2"."cancelled_at",
          CAST(CASE WHEN COALESCE("t2"."renewed", FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_renewed",
          CAST(1 AS DOUBLE) AS "_m_ending"
        FROM "subscriptions" AS "t2"
      ) AS "t5"
      WHERE
        (
          (
            "t5"."term_end_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t5"."term_end_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t5"."term_end_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t5"."term_end_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t7"
    INNER JOIN "pulso_period_slots" AS "t4"
      ON CAST(FLOOR((
        EPOCH_US("t7"."term_end_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t4"."_slot"
  ) AS "t8"
  GROUP BY
    1
) AS "t10"
  ON "t3"."_pid" = "t10"."_apid";

-- renewal_rate · duckdb · monthly, company scope, by owner
WITH "t14" AS (
  SELECT
    "t13"."_pid" AS "_apid",
    "t13"."_d_owner" AS "_a_d_owner",
    SUM("t13"."renewed") AS "renewed",
    SUM("t13"."ending") AS "ending"
  FROM (
    SELECT
      "t5"."_pid",
      "t12"."_d_owner",
      "t12"."_m_renewed" AS "renewed",
      "t12"."_m_ending" AS "ending"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t9"."id",
          "t9"."external_id",
          "t9"."account_id",
          "t9"."plan",
          "t9"."monthly_amount",
          "t9"."currency",
          "t9"."started_at",
          "t9"."term_end_at",
          "t9"."renewed",
          "t9"."cancelled_at",
          "t9"."_owner",
          "t9"."_d_owner",
          CAST(CASE WHEN COALESCE("t9"."renewed", FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_renewed",
          CAST(1 AS DOUBLE) AS "_m_ending"
        FROM (
          SELECT
            "t6"."id",
            "t6"."external_id",
            "t6"."account_id",
            "t6"."plan",
            "t6"."monthly_amount",
            "t6"."currency",
            "t6"."started_at",
            "t6"."term_end_at",
            "t6"."renewed",
            "t6"."cancelled_at",
            "t8"."_lk1_owner_id" AS "_owner",
            "t8"."_lk1_owner_id" AS "_d_owner"
          FROM "subscriptions" AS "t6"
          LEFT OUTER JOIN (
            SELECT
              "t3"."id" AS "_lk1_key",
              "t3"."owner_id" AS "_lk1_owner_id"
            FROM "accounts" AS "t3"
          ) AS "t8"
            ON "t6"."account_id" = "t8"."_lk1_key"
        ) AS "t9"
      ) AS "t10"
      WHERE
        (
          (
            "t10"."term_end_at" >= GETVARIABLE('pulso_lo')
          )
          AND (
            "t10"."term_end_at" < GETVARIABLE('pulso_hi')
          )
        )
        OR (
          (
            "t10"."term_end_at" >= GETVARIABLE('pulso_lo2')
          )
          AND (
            "t10"."term_end_at" < GETVARIABLE('pulso_hi2')
          )
        )
    ) AS "t12"
    INNER JOIN "pulso_period_slots" AS "t5"
      ON CAST(FLOOR((
        EPOCH_US("t12"."term_end_at")
      ) / (
        3600000000
      )) AS BIGINT) = "t5"."_slot"
  ) AS "t13"
  GROUP BY
    1,
    2
)
SELECT
  "t4"."_pid",
  "t18"."_d_owner" AS "owner",
  COALESCE("t16"."renewed", 0.0) / NULLIF(COALESCE("t16"."ending", 0.0), 0) AS "value",
  COALESCE("t16"."renewed", 0.0) AS "numerator",
  COALESCE("t16"."ending", 0.0) AS "denominator"
FROM "pulso_periods" AS "t4"
CROSS JOIN (
  SELECT DISTINCT
    "t15"."_a_d_owner" AS "_d_owner"
  FROM "t14" AS "t15"
) AS "t18"
LEFT OUTER JOIN "t14" AS "t16"
  ON "t4"."_pid" = "t16"."_apid"
  AND "t18"."_d_owner" IS NOT DISTINCT FROM "t16"."_a_d_owner";
