-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- first_response_sla_rate · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t14"."within", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t14"."due", 0.0), 0) AS "value",
  COALESCE("t14"."within", 0.0) AS "numerator",
  COALESCE("t14"."due", 0.0) AS "denominator",
  COALESCE("t14"."pending", 0.0) AS "pending"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t12"."_pid" AS "_apid",
    SUM("t12"."within") AS "within",
    SUM("t12"."due") AS "due",
    SUM("t12"."pending") AS "pending"
  FROM (
    SELECT
      "t4"."_pid",
      "t11"."_m_within" AS "within",
      "t11"."_m_due" AS "due",
      "t11"."_m_pending" AS "pending"
    FROM (
      SELECT
        "t9"."id",
        "t9"."external_id",
        "t9"."account_id",
        "t9"."owner_id",
        "t9"."channel",
        "t9"."priority",
        "t9"."status",
        "t9"."opened_at",
        "t9"."first_response_at",
        "t9"."first_response_automated",
        "t9"."resolved_at",
        "t9"."_sla_first_response",
        "t9"."_sla_resolution",
        "t9"."_now",
        CAST(CASE
          WHEN COALESCE(
            (
              "t9"."first_response_at" IS NOT NULL
            )
            AND (
              (
                CAST(EXTRACT('epoch' FROM "t9"."first_response_at") - EXTRACT('epoch' FROM "t9"."opened_at") AS DOUBLE PRECISION) / 3600.0
              ) <= "t9"."_sla_first_response"
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_within",
        CAST(CASE
          WHEN COALESCE(
            (
              "t9"."first_response_at" IS NOT NULL
            )
            OR (
              (
                "t9"."first_response_at" IS NULL
              )
              AND (
                (
                  CAST(EXTRACT('epoch' FROM "t9"."_now") - EXTRACT('epoch' FROM "t9"."opened_at") AS DOUBLE PRECISION) / 3600.0
                ) > "t9"."_sla_first_response"
              )
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_due",
        CAST(CASE
          WHEN COALESCE(
            (
              "t9"."first_response_at" IS NULL
            )
            AND NOT (
              COALESCE(
                (
                  "t9"."first_response_at" IS NULL
                )
                AND (
                  (
                    CAST(EXTRACT('epoch' FROM "t9"."_now") - EXTRACT('epoch' FROM "t9"."opened_at") AS DOUBLE PRECISION) / 3600.0
                  ) > "t9"."_sla_first_response"
                ),
                FALSE
              )
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_pending"
      FROM (
        SELECT
          "t8"."id",
          "t8"."external_id",
          "t8"."account_id",
          "t8"."owner_id",
          "t8"."channel",
          "t8"."priority",
          "t8"."status",
          "t8"."opened_at",
          "t8"."first_response_at",
          "t8"."first_response_automated",
          "t8"."resolved_at",
          "t8"."_sla_first_response",
          "t8"."_sla_resolution",
          CAST(CURRENT_TIMESTAMP AS TIMESTAMPTZ) AS "_now"
        FROM (
          SELECT
            "t7"."id",
            "t7"."external_id",
            "t7"."account_id",
            "t7"."owner_id",
            "t7"."channel",
            "t7"."priority",
            "t7"."status",
            "t7"."opened_at",
            "t7"."first_response_at",
            "t7"."first_response_automated",
            "t7"."resolved_at",
            "t7"."_sla_first_response",
            "t7"."_sla_resolution"
          FROM (
            SELECT
              "t5"."id",
              "t5"."external_id",
              "t5"."account_id",
              "t5"."owner_id",
              "t5"."channel",
              "t5"."priority",
              "t5"."status",
              "t5"."opened_at",
              "t5"."first_response_at",
              "t5"."first_response_automated",
              "t5"."resolved_at",
              "t6"."_sla_priority",
              "t6"."_sla_first_response",
              "t6"."_sla_resolution"
            FROM "tickets" AS "t5"
            LEFT OUTER JOIN "pulso_sla" AS "t6"
              ON COALESCE("t5"."priority", '') = "t6"."_sla_priority"
          ) AS "t7"
        ) AS "t8"
      ) AS "t9"
    ) AS "t11"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t11"."opened_at" >= "t4"."_p_start" AND "t11"."opened_at" < "t4"."_p_end"
  ) AS "t12"
  GROUP BY
    1
) AS "t14"
  ON "t3"."_pid" = "t14"."_apid";

-- first_response_sla_rate · postgres · monthly, company scope, by owner
WITH "t13" AS (
  SELECT
    "t12"."_pid" AS "_apid",
    "t12"."_d_owner" AS "_a_d_owner",
    SUM("t12"."within") AS "within",
    SUM("t12"."due") AS "due",
    SUM("t12"."pending") AS "pending"
  FROM (
    SELECT
      "t4"."_pid",
      "t11"."_d_owner",
      "t11"."_m_within" AS "within",
      "t11"."_m_due" AS "due",
      "t11"."_m_pending" AS "pending"
    FROM (
      SELECT
        "t9"."id",
        "t9"."external_id",
        "t9"."account_id",
        "t9"."owner_id",
        "t9"."channel",
        "t9"."priority",
        "t9"."status",
        "t9"."opened_at",
        "t9"."first_response_at",
        "t9"."first_response_automated",
        "t9"."resolved_at",
        "t9"."_sla_first_response",
        "t9"."_sla_resolution",
        "t9"."_now",
        "t9"."owner_id" AS "_owner",
        "t9"."owner_id" AS "_d_owner",
        CAST(CASE
          WHEN COALESCE(
            (
              "t9"."first_response_at" IS NOT NULL
            )
            AND (
              (
                CAST(EXTRACT('epoch' FROM "t9"."first_response_at") - EXTRACT('epoch' FROM "t9"."opened_at") AS DOUBLE PRECISION) / 3600.0
              ) <= "t9"."_sla_first_response"
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_within",
        CAST(CASE
          WHEN COALESCE(
            (
              "t9"."first_response_at" IS NOT NULL
            )
            OR (
              (
                "t9"."first_response_at" IS NULL
              )
              AND (
                (
                  CAST(EXTRACT('epoch' FROM "t9"."_now") - EXTRACT('epoch' FROM "t9"."opened_at") AS DOUBLE PRECISION) / 3600.0
                ) > "t9"."_sla_first_response"
              )
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_due",
        CAST(CASE
          WHEN COALESCE(
            (
              "t9"."first_response_at" IS NULL
            )
            AND NOT (
              COALESCE(
                (
                  "t9"."first_response_at" IS NULL
                )
                AND (
                  (
                    CAST(EXTRACT('epoch' FROM "t9"."_now") - EXTRACT('epoch' FROM "t9"."opened_at") AS DOUBLE PRECISION) / 3600.0
                  ) > "t9"."_sla_first_response"
                ),
                FALSE
              )
            ),
            FALSE
          )
          THEN 1
          ELSE 0
        END AS DOUBLE PRECISION) AS "_m_pending"
      FROM (
        SELECT
          "t8"."id",
          "t8"."external_id",
          "t8"."account_id",
          "t8"."owner_id",
          "t8"."channel",
          "t8"."priority",
          "t8"."status",
          "t8"."opened_at",
          "t8"."first_response_at",
          "t8"."first_response_automated",
          "t8"."resolved_at",
          "t8"."_sla_first_response",
          "t8"."_sla_resolution",
          CAST(CURRENT_TIMESTAMP AS TIMESTAMPTZ) AS "_now"
        FROM (
          SELECT
            "t7"."id",
            "t7"."external_id",
            "t7"."account_id",
            "t7"."owner_id",
            "t7"."channel",
            "t7"."priority",
            "t7"."status",
            "t7"."opened_at",
            "t7"."first_response_at",
            "t7"."first_response_automated",
            "t7"."resolved_at",
            "t7"."_sla_first_response",
            "t7"."_sla_resolution"
          FROM (
            SELECT
              "t5"."id",
              "t5"."external_id",
              "t5"."account_id",
              "t5"."owner_id",
              "t5"."channel",
              "t5"."priority",
              "t5"."status",
              "t5"."opened_at",
              "t5"."first_response_at",
              "t5"."first_response_automated",
              "t5"."resolved_at",
              "t6"."_sla_priority",
              "t6"."_sla_first_response",
              "t6"."_sla_resolution"
            FROM "tickets" AS "t5"
            LEFT OUTER JOIN "pulso_sla" AS "t6"
              ON COALESCE("t5"."priority", '') = "t6"."_sla_priority"
          ) AS "t7"
        ) AS "t8"
      ) AS "t9"
    ) AS "t11"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t11"."opened_at" >= "t4"."_p_start" AND "t11"."opened_at" < "t4"."_p_end"
  ) AS "t12"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t17"."_d_owner" AS "owner",
  CAST(COALESCE("t15"."within", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t15"."due", 0.0), 0) AS "value",
  COALESCE("t15"."within", 0.0) AS "numerator",
  COALESCE("t15"."due", 0.0) AS "denominator",
  COALESCE("t15"."pending", 0.0) AS "pending"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t14"."_a_d_owner" AS "_d_owner"
  FROM "t13" AS "t14"
) AS "t17"
LEFT OUTER JOIN "t13" AS "t15"
  ON "t3"."_pid" = "t15"."_apid"
  AND "t17"."_d_owner" IS NOT DISTINCT FROM "t15"."_a_d_owner";
