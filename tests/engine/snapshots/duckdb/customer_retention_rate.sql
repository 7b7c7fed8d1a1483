-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- customer_retention_rate · duckdb · monthly, company scope, no split
WITH "t6" AS (
  SELECT DISTINCT
    "t0"."_s_start" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t7" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t21" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."name",
        "t2"."email",
        "t2"."phone",
        "t2"."company",
        "t2"."country",
        "t2"."segment",
        "t2"."source",
        "t2"."owner_id",
        "t2"."created_at",
        "t2"."acquired_at",
        "t2"."churned_at",
        "t2"."churn_reason",
        "t2"."search_text",
        "t2"."search_phone",
        CAST(1 AS DOUBLE) AS "_m_at_start"
      FROM "accounts" AS "t2"
    ) AS "t9"
    WHERE
      "t9"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t17"
  WHERE
    (
      "t17"."churned_at" IS NULL
    )
    OR (
      "t17"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t22" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."name",
        "t2"."email",
        "t2"."phone",
        "t2"."company",
        "t2"."country",
        "t2"."segment",
        "t2"."source",
        "t2"."owner_id",
        "t2"."created_at",
        "t2"."acquired_at",
        "t2"."churned_at",
        "t2"."churn_reason",
        "t2"."search_text",
        "t2"."search_phone",
        CAST(1 AS DOUBLE) AS "_m_retained",
        CAST(1 AS DOUBLE) AS "_m_at_end"
      FROM "accounts" AS "t2"
    ) AS "t10"
    WHERE
      "t10"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t18"
  WHERE
    (
      "t18"."churned_at" IS NULL
    )
    OR (
      "t18"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t32" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t23"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t23"."_m_at_start"
    FROM "t21" AS "t23"
  ) AS "t28"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t25"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t25"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t25"."_m_at_start"
      ) AS "_m_at_start"
    FROM (
      SELECT
        *
      FROM "t21" AS "t23"
      WHERE
        "t23"."churned_at" IS NOT NULL
    ) AS "t25"
  ) AS "t30"
), "t33" AS (
  SELECT
    *
  FROM (
    SELECT
      CAST(FLOOR((
        EPOCH_US("t24"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t24"."_m_retained",
      "t24"."_m_at_end"
    FROM "t22" AS "t24"
  ) AS "t29"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t26"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t26"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t26"."_m_retained"
      ) AS "_m_retained",
      -(
        "t26"."_m_at_end"
      ) AS "_m_at_end"
    FROM (
      SELECT
        *
      FROM "t22" AS "t24"
      WHERE
        "t24"."churned_at" IS NOT NULL
    ) AS "t26"
  ) AS "t31"
)
SELECT
  "t3"."_pid",
  COALESCE("t67"."retained", 0.0) / NULLIF(COALESCE("t67"."at_start", 0.0), 0) AS "value",
  COALESCE("t67"."retained", 0.0) AS "numerator",
  COALESCE("t67"."at_start", 0.0) AS "denominator",
  COALESCE("t67"."at_end", 0.0) AS "customers_at_end",
  COALESCE("t67"."new", 0.0) AS "new_customers"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t65"."_pid" AS "_apid",
    SUM("t65"."retained") AS "retained",
    SUM("t65"."at_end") AS "at_end",
    SUM("t65"."new") AS "new",
    SUM("t65"."at_start") AS "at_start"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        CAST(NULL AS DOUBLE) AS "retained",
        CAST(NULL AS DOUBLE) AS "at_end",
        CAST(NULL AS DOUBLE) AS "new",
        "t60"."_m_at_start" AS "at_start"
      FROM (
        SELECT
          "t56"."_b",
          MAX("t56"."_m_at_start") AS "_m_at_start"
        FROM (
          SELECT
            "t13"."_b",
            SUM(COALESCE("t54"."_m_at_start", 0.0)) OVER (ORDER BY "t13"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_at_start"
          FROM "t6" AS "t13"
          LEFT OUTER JOIN (
            SELECT
              "t50"."_b" AS "_kb",
              "t50"."_m_at_start"
            FROM (
              SELECT
                "t48"."_b",
                SUM("t48"."_m_at_start") AS "_m_at_start"
              FROM (
                SELECT
                  "t36"."_es",
                  "t36"."_m_at_start",
                  "t46"."_slot",
                  "t46"."_b"
                FROM "t32" AS "t36"
                INNER JOIN (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t40"."_slot",
                      "t14"."_b"
                    FROM (
                      SELECT DISTINCT
                        "t34"."_es" AS "_slot"
                      FROM "t32" AS "t34"
                    ) AS "t40"
                    ASOF LEFT JOIN "t6" AS "t14"
                      ON "t40"."_slot" < "t14"."_b"
                  ) AS "t42"
                  WHERE
                    "t42"."_b" IS NOT NULL
                ) AS "t46"
                  ON "t36"."_es" = "t46"."_slot"
              ) AS "t48"
              GROUP BY
                1
            ) AS "t50"
          ) AS "t54"
            ON "t13"."_b" = "t54"."_kb"
        ) AS "t56"
        GROUP BY
          1
      ) AS "t60"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t60"."_b" = "t4"."_s_start"
    ) AS "t62"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t4"."_pid",
          "t61"."_m_retained" AS "retained",
          "t61"."_m_at_end" AS "at_end",
          CAST(NULL AS DOUBLE) AS "new",
          CAST(NULL AS DOUBLE) AS "at_start"
        FROM (
          SELECT
            "t57"."_b",
            MAX("t57"."_m_retained") AS "_m_retained",
            MAX("t57"."_m_at_end") AS "_m_at_end"
          FROM (
            SELECT
              "t15"."_b",
              SUM(COALESCE("t55"."_m_retained", 0.0)) OVER (ORDER BY "t15"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_retained",
              SUM(COALESCE("t55"."_m_at_end", 0.0)) OVER (ORDER BY "t15"."_b" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "_m_at_end"
            FROM "t7" AS "t15"
            LEFT OUTER JOIN (
              SELECT
                "t51"."_b" AS "_kb",
                "t51"."_m_retained",
                "t51"."_m_at_end"
              FROM (
                SELECT
                  "t49"."_b",
                  SUM("t49"."_m_retained") AS "_m_retained",
                  SUM("t49"."_m_at_end") AS "_m_at_end"
                FROM (
                  SELECT
                    "t37"."_es",
                    "t37"."_m_retained",
                    "t37"."_m_at_end",
                    "t47"."_slot",
                    "t47"."_b"
                  FROM "t33" AS "t37"
                  INNER JOIN (
                    SELECT
                      *
                    FROM (
                      SELECT
                        "t41"."_slot",
                        "t16"."_b"
                      FROM (
                        SELECT DISTINCT
                          "t35"."_es" AS "_slot"
                        FROM "t33" AS "t35"
                      ) AS "t41"
                      ASOF LEFT JOIN "t7" AS "t16"
                        ON "t41"."_slot" < "t16"."_b"
                    ) AS "t43"
                    WHERE
                      "t43"."_b" IS NOT NULL
                  ) AS "t47"
                    ON "t37"."_es" = "t47"."_slot"
                ) AS "t49"
                GROUP BY
                  1
              ) AS "t51"
            ) AS "t55"
              ON "t15"."_b" = "t55"."_kb"
          ) AS "t57"
          GROUP BY
            1
        ) AS "t61"
        INNER JOIN "pulso_periods" AS "t4"
          ON "t61"."_b" = "t4"."_s_end"
      ) AS "t63"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t5"."_pid",
          "t20"."_m_retained" AS "retained",
          CAST(NULL AS DOUBLE) AS "at_end",
          "t20"."_m_new" AS "new",
          CAST(NULL AS DOUBLE) AS "at_start"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t2"."id",
              "t2"."external_id",
              "t2"."name",
              "t2"."email",
              "t2"."phone",
              "t2"."company",
              "t2"."country",
              "t2"."segment",
              "t2"."source",
              "t2"."owner_id",
              "t2"."created_at",
              "t2"."acquired_at",
              "t2"."churned_at",
              "t2"."churn_reason",
              "t2"."search_text",
              "t2"."search_phone",
              CAST(-1 AS DOUBLE) AS "_m_retained",
              CAST(1 AS DOUBLE) AS "_m_new"
            FROM "accounts" AS "t2"
          ) AS "t8"
          WHERE
            (
              (
                "t8"."acquired_at" >= GETVARIABLE('pulso_lo')
              )
              AND (
                "t8"."acquired_at" < GETVARIABLE('pulso_hi')
              )
            )
            OR (
              (
                "t8"."acquired_at" >= GETVARIABLE('pulso_lo2')
              )
              AND (
                "t8"."acquired_at" < GETVARIABLE('pulso_hi2')
              )
            )
        ) AS "t20"
        INNER JOIN "pulso_period_slots" AS "t5"
          ON CAST(FLOOR((
            EPOCH_US("t20"."acquired_at")
          ) / (
            3600000000
          )) AS BIGINT) = "t5"."_slot"
      ) AS "t27"
    ) AS "t64"
  ) AS "t65"
  GROUP BY
    1
) AS "t67"
  ON "t3"."_pid" = "t67"."_apid";

-- customer_retention_rate · duckdb · monthly, company scope, by owner
WITH "t6" AS (
  SELECT DISTINCT
    "t0"."_s_start" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t7" AS (
  SELECT DISTINCT
    "t0"."_s_end" AS "_b"
  FROM "pulso_periods" AS "t0"
), "t21" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."name",
        "t2"."email",
        "t2"."phone",
        "t2"."company",
        "t2"."country",
        "t2"."segment",
        "t2"."source",
        "t2"."owner_id",
        "t2"."created_at",
        "t2"."acquired_at",
        "t2"."churned_at",
        "t2"."churn_reason",
        "t2"."search_text",
        "t2"."search_phone",
        "t2"."owner_id" AS "_owner",
        "t2"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE) AS "_m_at_start"
      FROM "accounts" AS "t2"
    ) AS "t9"
    WHERE
      "t9"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t17"
  WHERE
    (
      "t17"."churned_at" IS NULL
    )
    OR (
      "t17"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t22" AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t2"."id",
        "t2"."external_id",
        "t2"."name",
        "t2"."email",
        "t2"."phone",
        "t2"."company",
        "t2"."country",
        "t2"."segment",
        "t2"."source",
        "t2"."owner_id",
        "t2"."created_at",
        "t2"."acquired_at",
        "t2"."churned_at",
        "t2"."churn_reason",
        "t2"."search_text",
        "t2"."search_phone",
        "t2"."owner_id" AS "_owner",
        "t2"."owner_id" AS "_d_owner",
        CAST(1 AS DOUBLE) AS "_m_retained",
        CAST(1 AS DOUBLE) AS "_m_at_end"
      FROM "accounts" AS "t2"
    ) AS "t10"
    WHERE
      "t10"."acquired_at" < GREATEST(GETVARIABLE('pulso_hi'), GETVARIABLE('pulso_hi2'))
  ) AS "t18"
  WHERE
    (
      "t18"."churned_at" IS NULL
    )
    OR (
      "t18"."churned_at" >= LEAST(GETVARIABLE('pulso_lo'), GETVARIABLE('pulso_lo2'))
    )
), "t32" AS (
  SELECT
    *
  FROM (
    SELECT
      "t23"."_d_owner",
      CAST(FLOOR((
        EPOCH_US("t23"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t23"."_m_at_start"
    FROM "t21" AS "t23"
  ) AS "t28"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t25"."_d_owner",
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t25"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t25"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t25"."_m_at_start"
      ) AS "_m_at_start"
    FROM (
      SELECT
        *
      FROM "t21" AS "t23"
      WHERE
        "t23"."churned_at" IS NOT NULL
    ) AS "t25"
  ) AS "t30"
), "t33" AS (
  SELECT
    *
  FROM (
    SELECT
      "t24"."_d_owner",
      CAST(FLOOR((
        EPOCH_US("t24"."acquired_at")
      ) / (
        3600000000
      )) AS BIGINT) AS "_es",
      "t24"."_m_retained",
      "t24"."_m_at_end"
    FROM "t22" AS "t24"
  ) AS "t29"
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      "t26"."_d_owner",
      GREATEST(
        CAST(FLOOR((
          EPOCH_US("t26"."churned_at")
        ) / (
          3600000000
        )) AS BIGINT),
        CAST(FLOOR((
          EPOCH_US("t26"."acquired_at")
        ) / (
          3600000000
        )) AS BIGINT)
      ) AS "_es",
      -(
        "t26"."_m_retained"
      ) AS "_m_retained",
      -(
        "t26"."_m_at_end"
      ) AS "_m_at_end"
    FROM (
      SELECT
        *
      FROM "t22" AS "t24"
      WHERE
        "t24"."churned_at" IS NOT NULL
    ) AS "t26"
  ) AS "t31"
), "t50" AS (
  SELECT
    "t48"."_d_owner",
    "t48"."_b",
    SUM("t48"."_m_at_start") AS "_m_at_start"
  FROM (
    SELECT
      "t36"."_d_owner",
      "t36"."_es",
      "t36"."_m_at_start",
      "t46"."_slot",
      "t46"."_b"
    FROM "t32" AS "t36"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t40"."_slot",
          "t14"."_b"
        FROM (
          SELECT DISTINCT
            "t34"."_es" AS "_slot"
          FROM "t32" AS "t34"
        ) AS "t40"
        ASOF LEFT JOIN "t6" AS "t14"
          ON "t40"."_slot" < "t14"."_b"
      ) AS "t42"
      WHERE
        "t42"."_b" IS NOT NULL
    ) AS "t46"
      ON "t36"."_es" = "t46"."_slot"
  ) AS "t48"
  GROUP BY
    1,
    2
), "t51" AS (
  SELECT
    "t49"."_d_owner",
    "t49"."_b",
    SUM("t49"."_m_retained") AS "_m_retained",
    SUM("t49"."_m_at_end") AS "_m_at_end"
  FROM (
    SELECT
      "t37"."_d_owner",
      "t37"."_es",
      "t37"."_m_retained",
      "t37"."_m_at_end",
      "t47"."_slot",
      "t47"."_b"
    FROM "t33" AS "t37"
    INNER JOIN (
      SELECT
        *
      FROM (
        SELECT
          "t41"."_slot",
          "t16"."_b"
        FROM (
          SELECT DISTINCT
            "t35"."_es" AS "_slot"
          FROM "t33" AS "t35"
        ) AS "t41"
        ASOF LEFT JOIN "t7" AS "t16"
          ON "t41"."_slot" < "t16"."_b"
      ) AS "t43"
      WHERE
        "t43"."_b" IS NOT NULL
    ) AS "t47"
      ON "t37"."_es" = "t47"."_slot"
  ) AS "t49"
  GROUP BY
    1,
    2
), "t72" AS (
  SELECT
    "t71"."_pid" AS "_apid",
    "t71"."_d_owner" AS "_a_d_owner",
    SUM("t71"."retained") AS "retained",
    SUM("t71"."at_end") AS "at_end",
    SUM("t71"."new") AS "new",
    SUM("t71"."at_start") AS "at_start"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t4"."_pid",
        "t66"."_d_owner",
        CAST(NULL AS DOUBLE) AS "retained",
        CAST(NULL AS DOUBLE) AS "at_end",
        CAST(NULL AS DOUBLE) AS "new",
        "t66"."_m_at_start" AS "at_start"
      FROM (
        SELECT
          "t62"."_d_owner",
          "t62"."_b",
          MAX("t62"."_m_at_start") AS "_m_at_start"
        FROM (
          SELECT
            "t58"."_d_owner",
            "t13"."_b",
            SUM(COALESCE("t59"."_m_at_start", 0.0)) OVER (
              PARTITION BY "t58"."_d_owner"
              ORDER BY "t13"."_b" ASC
              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS "_m_at_start"
          FROM "t6" AS "t13"
          CROSS JOIN (
            SELECT DISTINCT
              "t52"."_d_owner"
            FROM "t50" AS "t52"
          ) AS "t58"
          LEFT OUTER JOIN (
            SELECT
              "t52"."_d_owner" AS "_k_d_owner",
              "t52"."_b" AS "_kb",
              "t52"."_m_at_start"
            FROM "t50" AS "t52"
          ) AS "t59"
            ON "t13"."_b" = "t59"."_kb"
            AND "t58"."_d_owner" IS NOT DISTINCT FROM "t59"."_k_d_owner"
        ) AS "t62"
        GROUP BY
          1,
          2
      ) AS "t66"
      INNER JOIN "pulso_periods" AS "t4"
        ON "t66"."_b" = "t4"."_s_start"
    ) AS "t68"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t4"."_pid",
          "t67"."_d_owner",
          "t67"."_m_retained" AS "retained",
          "t67"."_m_at_end" AS "at_end",
          CAST(NULL AS DOUBLE) AS "new",
          CAST(NULL AS DOUBLE) AS "at_start"
        FROM (
          SELECT
            "t63"."_d_owner",
            "t63"."_b",
            MAX("t63"."_m_retained") AS "_m_retained",
            MAX("t63"."_m_at_end") AS "_m_at_end"
          FROM (
            SELECT
              "t60"."_d_owner",
              "t15"."_b",
              SUM(COALESCE("t61"."_m_retained", 0.0)) OVER (
                PARTITION BY "t60"."_d_owner"
                ORDER BY "t15"."_b" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
              ) AS "_m_retained",
              SUM(COALESCE("t61"."_m_at_end", 0.0)) OVER (
                PARTITION BY "t60"."_d_owner"
                ORDER BY "t15"."_b" ASC
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
              ) AS "_m_at_end"
            FROM "t7" AS "t15"
            CROSS JOIN (
              SELECT DISTINCT
                "t53"."_d_owner"
              FROM "t51" AS "t53"
            ) AS "t60"
            LEFT OUTER JOIN (
              SELECT
                "t53"."_d_owner" AS "_k_d_owner",
                "t53"."_b" AS "_kb",
                "t53"."_m_retained",
                "t53"."_m_at_end"
              FROM "t51" AS "t53"
            ) AS "t61"
              ON "t15"."_b" = "t61"."_kb"
              AND "t60"."_d_owner" IS NOT DISTINCT FROM "t61"."_k_d_owner"
          ) AS "t63"
          GROUP BY
            1,
            2
        ) AS "t67"
        INNER JOIN "pulso_periods" AS "t4"
          ON "t67"."_b" = "t4"."_s_end"
      ) AS "t69"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t5"."_pid",
          "t20"."_d_owner",
          "t20"."_m_retained" AS "retained",
          CAST(NULL AS DOUBLE) AS "at_end",
          "t20"."_m_new" AS "new",
          CAST(NULL AS DOUBLE) AS "at_start"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t2"."id",
              "t2"."external_id",
              "t2"."name",
              "t2"."email",
              "t2"."phone",
              "t2"."company",
              "t2"."country",
              "t2"."segment",
              "t2"."source",
              "t2"."owner_id",
              "t2"."created_at",
              "t2"."acquired_at",
              "t2"."churned_at",
              "t2"."churn_reason",
              "t2"."search_text",
              "t2"."search_phone",
              "t2"."owner_id" AS "_owner",
              "t2"."owner_id" AS "_d_owner",
              CAST(-1 AS DOUBLE) AS "_m_retained",
              CAST(1 AS DOUBLE) AS "_m_new"
            FROM "accounts" AS "t2"
          ) AS "t8"
          WHERE
            (
              (
                "t8"."acquired_at" >= GETVARIABLE('pulso_lo')
              )
              AND (
                "t8"."acquired_at" < GETVARIABLE('pulso_hi')
              )
            )
            OR (
              (
                "t8"."acquired_at" >= GETVARIABLE('pulso_lo2')
              )
              AND (
                "t8"."acquired_at" < GETVARIABLE('pulso_hi2')
              )
            )
        ) AS "t20"
        INNER JOIN "pulso_period_slots" AS "t5"
          ON CAST(FLOOR((
            EPOCH_US("t20"."acquired_at")
          ) / (
            3600000000
          )) AS BIGINT) = "t5"."_slot"
      ) AS "t27"
    ) AS "t70"
  ) AS "t71"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t76"."_d_owner" AS "owner",
  COALESCE("t74"."retained", 0.0) / NULLIF(COALESCE("t74"."at_start", 0.0), 0) AS "value",
  COALESCE("t74"."retained", 0.0) AS "numerator",
  COALESCE("t74"."at_start", 0.0) AS "denominator",
  COALESCE("t74"."at_end", 0.0) AS "customers_at_end",
  COALESCE("t74"."new", 0.0) AS "new_customers"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t73"."_a_d_owner" AS "_d_owner"
  FROM "t72" AS "t73"
) AS "t76"
LEFT OUTER JOIN "t72" AS "t74"
  ON "t3"."_pid" = "t74"."_apid"
  AND "t76"."_d_owner" IS NOT DISTINCT FROM "t74"."_a_d_owner";
