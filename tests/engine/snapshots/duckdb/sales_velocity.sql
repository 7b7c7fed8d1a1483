-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- sales_velocity · duckdb · monthly, company scope, no split
WITH "t6" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t13" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."account_id",
        "t2"."lead_id",
        "t2"."owner_id",
        "t2"."title",
        "t2"."amount",
        "t2"."currency",
        "t2"."stage_id",
        "t2"."status",
        "t2"."kind",
        "t2"."created_at",
        "t2"."expected_close_at",
        "t2"."closed_at",
        "t2"."lost_reason",
        "t2"."campaign_id",
        "t2"."search_text",
        "t2"."product",
        CAST(1 AS DOUBLE) AS "_m_open"
      FROM "deals" AS "t2"
    ) AS "t7"
    WHERE
      "t7"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t12"
  WHERE
    (
      "t12"."closed_at" IS NULL
    )
    OR (
      "t12"."closed_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t21" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t14"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t14"."_m_open"
    FROM "t13" AS "t14"
  ) AS "t17"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t16"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t16"."created_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t16"."_m_open"
      ) AS "_m_open"
    FROM (
      SELECT
        *
      FROM "t13" AS "t14"
      WHERE
        "t14"."closed_at" IS NOT NULL
    ) AS "t16"
  ) AS "t20"
)
SELECT
  "t3"."_pid",
  (
    COALESCE("t40"."open", 0.0) * (
      COALESCE("t40"."won", 0.0) / NULLIF(COALESCE("t40"."closed", 0.0), 0)
    ) * (
      COALESCE("t40"."won_amount", 0.0) / NULLIF(COALESCE("t40"."won_valued", 0.0), 0)
    )
  ) / NULLIF(COALESCE("t40"."cycle_days", 0.0) / NULLIF(COALESCE("t40"."won", 0.0), 0), 0) AS "value",
  COALESCE("t40"."open", 0.0) * (
    COALESCE("t40"."won", 0.0) / NULLIF(COALESCE("t40"."closed", 0.0), 0)
  ) * (
    COALESCE("t40"."won_amount", 0.0) / NULLIF(COALESCE("t40"."won_valued", 0.0), 0)
  ) AS "numerator",
  COALESCE("t40"."cycle_days", 0.0) / NULLIF(COALESCE("t40"."won", 0.0), 0) AS "denominator",
  COALESCE("t40"."open", 0.0) AS "open_opportunities",
  COALESCE("t40"."won", 0.0) / NULLIF(COALESCE("t40"."closed", 0.0), 0) AS "close_rate",
  COALESCE("t40"."won_amount", 0.0) / NULLIF(COALESCE("t40"."won_valued", 0.0), 0) AS "average_deal_value",
  COALESCE("t40"."cycle_days", 0.0) / NULLIF(COALESCE("t40"."won", 0.0), 0) AS "sales_cycle_days"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t38"."_pid" AS "_apid",
    SUM("t38"."open") AS "open",
    SUM("t38"."won") AS "won",
    SUM("t38"."closed") AS "closed",
    SUM("t38"."won_amount") AS "won_amount",
    SUM("t38"."won_valued") AS "won_valued",
    SUM("t38"."cycle_days") AS "cycle_days"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t36"."_m_open" AS "open",
        CAST(NULL AS DOUBLE) AS "won",
        CAST(NULL AS DOUBLE) AS "closed",
        CAST(NULL AS DOUBLE) AS "won_amount",
        CAST(NULL AS DOUBLE) AS "won_valued",
        CAST(NULL AS DOUBLE) AS "cycle_days"
      FROM (
        SELECT
          "t34"."_b",
          MAX("t34"."_m_open") AS "_m_open"
        FROM (
          SELECT
            "t10"."_b",
            SUM(COALESCE("t33"."_m_open", 0.0)) OVER (ORDER BY "t10"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_open"
          FROM "t6" AS "t10"
          LEFT OUTER JOIN (
            SELECT
              "t31"."_b" AS "_kb",
              "t31"."_m_open"
            FROM (
              SELECT
                "t30"."_b",
                SUM("t30"."_m_open") AS "_m_open"
              FROM (
                SELECT
                  "t23"."_es",
                  "t23"."_m_open",
                  "t29"."_slot",
                  "t29"."_b"
                FROM "t21" AS "t23"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t26"."_slot",
                      "t11"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t22"."_es" AS "_slot"
                      FROM "t21" AS "t22"
                    ) AS "t26"
                    ASOF LEFT JOIN "t6" AS "t11"
                      ON "t26"."_slot" < "t11"."_b"
                  ) AS "t27"
                  WHERE
                    "t27"."_b" IS NOT NULL
                ) AS "t29"
                  ON "t23"."_es" = "t29"."_slot"
              ) AS "t30"
              GROUP BY
                1
            ) AS "t31"
          ) AS "t33"
            ON "t10"."_b" = "t33"."_kb"
        ) AS "t34"
        GROUP BY
          1
      ) AS "t36"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t36"."_b" = "t4"."_s_end"
    ) AS "t37"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        CAST(NULL AS DOUBLE) AS "open",
        "t19"."_m_won" AS "won",
        "t19"."_m_closed" AS "closed",
        "t19"."_m_won_amount" AS "won_amount",
        "t19"."_m_won_valued" AS "won_valued",
        "t19"."_m_cycle_days" AS "cycle_days"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t9"."id",
            "t9"."external_id",
            "t9"."account_id",
            "t9"."lead_id",
            "t9"."owner_id",
            "t9"."title",
            "t9"."amount",
            "t9"."currency",
            "t9"."stage_id",
            "t9"."status",
            "t9"."kind",
            "t9"."created_at",
            "t9"."expected_close_at",
            "t9"."closed_at",
            "t9"."lost_reason",
            "t9"."campaign_id",
            "t9"."search_text",
            "t9"."product",
            CAST(CASE WHEN COALESCE("t9"."status" = 'won', FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_won",
            CAST(1 AS DOUBLE) AS "_m_closed",
            CASE
              WHEN "t9"."status" = 'won'
              THEN COALESCE(CAST("t9"."amount" AS DOUBLE), 0.0)
              ELSE 0.0
            END AS "_m_won_amount",
            CAST(CASE
              WHEN COALESCE((
                "t9"."status" = 'won'
              ) AND (
                "t9"."amount" IS NOT NULL
              ), FALSE)
              THEN 1
              ELSE 0
            END AS DOUBLE) AS "_m_won_valued",
            CASE
              WHEN "t9"."status" = 'won'
              THEN (
                CAST(EPOCH_US("t9"."closed_at") - EPOCH_US("t9"."created_at") AS DOUBLE) / 1000000.0
              ) / 86400.0
              ELSE 0.0
            END AS "_m_cycle_days"
          FROM (
            SELECT
              *
            FROM "deals" AS "t2"
            WHERE
              "t2"."status" IN ('won', 'lost')
          ) AS "t9"
        ) AS "t15"
        WHERE
          (
            (
              "t15"."closed_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t15"."closed_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t15"."closed_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t15"."closed_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t19"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t19"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t25"
  ) AS "t38"
  GROUP BY
    1
) AS "t40"
  ON "t3"."_pid" = "t40"."_apid";

-- sales_velocity · duckdb · monthly, company scope, by owner
WITH "t6" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t13" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."account_id",
        "t2"."lead_id",
        "t2"."owner_id",
        "t2"."title",
        "t2"."amount",
        "t2"."currency",
        "t2"."stage_id",
        "t2"."status",
        "t2"."kind",
        "t2"."created_at",
        "t2"."expected_close_at",
        "t2"."closed_at",
        "t2"."lost_reason",
        "t2"."campaign_id",
        "t2"."search_text",
        "t2"."product",
        "t2"."owner_id" AS "_owner",
        "t2"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE) AS "_m_open"
      FROM "deals" AS "t2"
    ) AS "t7"
    WHERE
      "t7"."created_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t12"
  WHERE
    (
      "t12"."closed_at" IS NULL
    )
    OR (
      "t12"."closed_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t21" AS (
  SELECT
    *
  FROM (
    SELECT
      "t14"."_d_owner",
      CAST(FLOOR((
        EPOCH_US("t14"."created_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t14"."_m_open"
    FROM "t13" AS "t14"
  ) AS "t17"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t16"."_d_owner",
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t16"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t16"."created_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t16"."_m_open"
      ) AS "_m_open"
    FROM (
      SELECT
        *
      FROM "t13" AS "t14"
      WHERE
        "t14"."closed_at" IS NOT NULL
    ) AS "t16"
  ) AS "t20"
), "t31" AS (
  SELECT
    "t30"."_d_owner",
    "t30"."_b",
    SUM("t30"."_m_open") AS "_m_open"
  FROM (
    SELECT
      "t23"."_d_owner",
      "t23"."_es",
      "t23"."_m_open",
      "t29"."_slot",
      "t29"."_b"
    FROM "t21" AS "t23"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t26"."_slot",
          "t11"."_b"
        FROM (
          SELECT DISTINCT
            "t22"."_es" AS "_slot"
          FROM "t21" AS "t22"
        ) AS "t26"
        ASOF LEFT JOIN "t6" AS "t11"
          ON "t26"."_slot" < "t11"."_b"
      ) AS "t27"
      WHERE
        "t27"."_b" IS NOT NULL
    ) AS "t29"
      ON "t23"."_es" = "t29"."_slot"
  ) AS "t30"
  GROUP BY
    1,
    2
), "t42" AS (
  SELECT
    "t41"."_pid" AS "_apid",
    "t41"."_d_owner" AS "_a_d_owner",
    SUM("t41"."open") AS "open",
    SUM("t41"."won") AS "won",
    SUM("t41"."closed") AS "closed",
    SUM("t41"."won_amount") AS "won_amount",
    SUM("t41"."won_valued") AS "won_valued",
    SUM("t41"."cycle_days") AS "cycle_days"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t39"."_d_owner",
        "t39"."_m_open" AS "open",
        CAST(NULL AS DOUBLE) AS "won",
        CAST(NULL AS DOUBLE) AS "closed",
        CAST(NULL AS DOUBLE) AS "won_amount",
        CAST(NULL AS DOUBLE) AS "won_valued",
        CAST(NULL AS DOUBLE) AS "cycle_days"
      FROM (
        SELECT
          "t37"."_d_owner",
          "t37"."_b",
          MAX("t37"."_m_open") AS "_m_open"
        FROM (
          SELECT
            "t35"."_d_owner",
            "t10"."_b",
            SUM(COALESCE("t36"."_m_open", 0.0)) OVER (
              PARTITION BY "t35"."_d_owner"
              ORDER BY "t10"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_open"
          FROM "t6" AS "t10"
          CROSS JOIN (
            SELECT DISTINCT
              "t32"."_d_owner"
            FROM "t31" AS "t32"
          ) AS "t35"
          LEFT OUTER JOIN (
            SELECT
              "t32"."_d_owner" AS "_k_d_owner",
              "t32"."_b" AS "_kb",
              "t32"."_m_open"
            FROM "t31" AS "t32"
          ) AS "t36"
            ON "t10"."_b" = "t36"."_kb"
            AND "t35"."_d_owner" IS NOT DISTINCT FROM "t36"."_k_d_owner"
        ) AS "t37"
        GROUP BY
          1,
          2
      ) AS "t39"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t39"."_b" = "t4"."_s_end"
    ) AS "t40"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t5"."_pid",
        "t19"."_d_owner",
        CAST(NULL AS DOUBLE) AS "open",
        "t19"."_m_won" AS "won",
        "t19"."_m_closed" AS "closed",
        "t19"."_m_won_amount" AS "won_amount",
        "t19"."_m_won_valued" AS "won_valued",
        "t19"."_m_cycle_days" AS "cycle_days"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t9"."id",
            "t9"."external_id",
            "t9"."account_id",
            "t9"."lead_id",
            "t9"."owner_id",
            "t9"."title",
            "t9"."amount",
            "t9"."currency",
            "t9"."stage_id",
            "t9"."status",
            "t9"."kind",
            "t9"."created_at",
            "t9"."expected_close_at",
            "t9"."closed_at",
            "t9"."lost_reason",
            "t9"."campaign_id",
            "t9"."search_text",
            "t9"."product",
            "t9"."_owner",
            "t9"."_d_owner",
            CAST(CASE WHEN COALESCE("t9"."status" = 'won', FALSE) THEN 1 ELSE 0 END AS DOUBLE) AS "_m_won",
            CAST(1 AS DOUBLE) AS "_m_closed",
            CASE
              WHEN "t9"."status" = 'won'
              THEN COALESCE(CAST("t9"."amount" AS DOUBLE), 0.0)
              ELSE 0.0
            END AS "_m_won_amount",
            CAST(CASE
              WHEN COALESCE((
                "t9"."status" = 'won'
              ) AND (
                "t9"."amount" IS NOT NULL
              ), FALSE)
              THEN 1
              ELSE 0
            END AS DOUBLE) AS "_m_won_valued",
            CASE
              WHEN "t9"."status" = 'won'
              THEN (
                CAST(EPOCH_US("t9"."closed_at") - EPOCH_US("t9"."created_at") AS DOUBLE) / 1000000.0
              ) / 86400.0
              ELSE 0.0
            END AS "_m_cycle_days"
          FROM (
            SELECT
              "t2"."id",
              "t2"."external_id",
              "t2"."account_id",
              "t2"."lead_id",
              "t2"."owner_id",
              "t2"."title",
              "t2"."amount",
              "t2"."currency",
              "t2"."stage_id",
              "t2"."status",
              "t2"."kind",
              "t2"."created_at",
              "t2"."expected_close_at",
              "t2"."closed_at",
              "t2"."lost_reason",
              "t2"."campaign_id",
              "t2"."search_text",
              "t2"."product",
              "t2"."owner_id" AS "_owner",
              "t2"."owner_id" AS "_d_owner"
            FROM "deals" AS "t2"
            WHERE
              "t2"."status" IN ('won', 'lost')
          ) AS "t9"
        ) AS "t15"
        WHERE
          (
            (
              "t15"."closed_at" >= GETVARIABLE('pulso_lo')
            )
            AND (
              "t15"."closed_at" < GETVARIABLE('pulso_hi')
            )
          )
          OR (
            (
              "t15"."closed_at" >= GETVARIABLE('pulso_lo2')
            )
            AND (
              "t15"."closed_at" < GETVARIABLE('pulso_hi2')
            )
          )
      ) AS "t19"
      INNER JOIN "pulso_period_slots" AS "t5"
        ON CAST(FLOOR((
          EPOCH_US("t19"."closed_at")
        ) / (
          3600000000
        )) AS BIGINT) = "t5"."_slot"
    ) AS "t25"
  ) AS "t41"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t46"."_d_owner" AS "owner",
  (
    COALESCE("t44"."open", 0.0) * (
      COALESCE("t44"."won", 0.0) / NULLIF(COALESCE("t44"."closed", 0.0), 0)
    ) * (
      COALESCE("t44"."won_amount", 0.0) / NULLIF(COALESCE("t44"."won_valued", 0.0), 0)
    )
  ) / NULLIF(COALESCE("t44"."cycle_days", 0.0) / NULLIF(COALESCE("t44"."won", 0.0), 0), 0) AS "value",
  COALESCE("t44"."open", 0.0) * (
    COALESCE("t44"."won", 0.0) / NULLIF(COALESCE("t44"."closed", 0.0), 0)
  ) * (
    COALESCE("t44"."won_amount", 0.0) / NULLIF(COALESCE("t44"."won_valued", 0.0), 0)
  ) AS "numerator",
  COALESCE("t44"."cycle_days", 0.0) / NULLIF(COALESCE("t44"."won", 0.0), 0) AS "denominator",
  COALESCE("t44"."open", 0.0) AS "open_opportunities",
  COALESCE("t44"."won", 0.0) / NULLIF(COALESCE("t44"."closed", 0.0), 0) AS "close_rate",
  COALESCE("t44"."won_amount", 0.0) / NULLIF(COALESCE("t44"."won_valued", 0.0), 0) AS "average_deal_value",
  COALESCE("t44"."cycle_days", 0.0) / NULLIF(COALESCE("t44"."won", 0.0), 0) AS "sales_cycle_days"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t43"."_a_d_owner" AS "_d_owner"
  FROM "t42" AS "t43"
) AS "t46"
LEFT OUTER JOIN "t42" AS "t44"
  ON "t3"."_pid" = "t44"."_apid"
  AND "t46"."_d_owner" IS NOT DISTINCT FROM "t44"."_a_d_owner";
