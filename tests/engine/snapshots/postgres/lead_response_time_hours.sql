-- Written by `python -m pulso.engine.snapshots refresh`; do not edit by hand.

-- lead_response_time_hours · postgres · monthly, company scope, no split
SELECT
  "t3"."_pid",
  CAST(COALESCE("t21"."hours", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t21"."answered", 0.0), 0) AS "value",
  COALESCE("t21"."hours", 0.0) AS "numerator",
  COALESCE("t21"."answered", 0.0) AS "denominator",
  "t21"."hours_v" AS "median",
  COALESCE("t21"."unanswered", 0.0) AS "unanswered"
FROM "pulso_periods" AS "t3"
LEFT OUTER JOIN (
  SELECT
    "t19"."_pid" AS "_apid",
    SUM("t19"."hours") AS "hours",
    SUM("t19"."answered") AS "answered",
    SUM("t19"."unanswered") AS "unanswered",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t19"."hours_v") AS "hours_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t18"."_m_hours" AS "hours",
      "t18"."_m_answered" AS "answered",
      "t18"."_m_unanswered" AS "unanswered",
      "t18"."_m_hours_v" AS "hours_v"
    FROM (
      SELECT
        "t16"."id",
        "t16"."created_at",
        "t16"."owner_id",
        "t16"."source",
        "t16"."campaign_id",
        "t16"."_first_out",
        COALESCE(
          CAST(EXTRACT('epoch' FROM "t16"."_first_out") - EXTRACT('epoch' FROM "t16"."created_at") AS DOUBLE PRECISION) / 3600.0,
          0.0
        ) AS "_m_hours",
        CAST(CASE WHEN COALESCE("t16"."_first_out" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_answered",
        CAST(CASE WHEN COALESCE("t16"."_first_out" IS NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_unanswered",
        CAST(EXTRACT('epoch' FROM "t16"."_first_out") - EXTRACT('epoch' FROM "t16"."created_at") AS DOUBLE PRECISION) / 3600.0 AS "_m_hours_v"
      FROM (
        SELECT
          "t15"."id",
          "t15"."created_at",
          "t15"."owner_id",
          "t15"."source",
          "t15"."campaign_id",
          "t15"."_first_out"
        FROM (
          SELECT
            "t8"."id",
            "t8"."created_at",
            "t8"."owner_id",
            "t8"."source",
            "t8"."campaign_id",
            "t14"."_fid",
            "t14"."_first_out"
          FROM (
            SELECT
              "t1"."id",
              "t1"."created_at",
              "t1"."owner_id",
              "t1"."source",
              "t1"."campaign_id"
            FROM "leads" AS "t1"
          ) AS "t8"
          LEFT OUTER JOIN (
            SELECT
              "t12"."lead_id" AS "_fid",
              MIN("t12"."occurred_at") AS "_first_out"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t10"."id",
                  "t10"."external_id",
                  "t10"."type",
                  "t10"."direction",
                  "t10"."owner_id",
                  "t10"."account_id",
                  "t10"."lead_id",
                  "t10"."deal_id",
                  "t10"."ticket_id",
                  "t10"."occurred_at",
                  "t10"."duration_s",
                  "t10"."automated",
                  "t10"."outcome",
                  "t10"."due_at",
                  "t10"."done_at",
                  "t7"."_lid",
                  "t7"."_created"
                FROM (
                  SELECT
                    *
                  FROM "activities" AS "t2"
                  WHERE
                    "t2"."direction" = 'outbound' AND "t2"."lead_id" IS NOT NULL
                ) AS "t10"
                INNER JOIN (
                  SELECT
                    "t1"."id" AS "_lid",
                    "t1"."created_at" AS "_created"
                  FROM "leads" AS "t1"
                ) AS "t7"
                  ON "t10"."lead_id" = "t7"."_lid"
              ) AS "t11"
              WHERE
                "t11"."occurred_at" >= "t11"."_created"
            ) AS "t12"
            GROUP BY
              1
          ) AS "t14"
            ON "t8"."id" = "t14"."_fid"
        ) AS "t15"
      ) AS "t16"
    ) AS "t18"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t18"."created_at" >= "t4"."_p_start" AND "t18"."created_at" < "t4"."_p_end"
  ) AS "t19"
  GROUP BY
    1
) AS "t21"
  ON "t3"."_pid" = "t21"."_apid";

-- lead_response_time_hours · postgres · monthly, company scope, by owner
WITH "t20" AS (
  SELECT
    "t19"."_pid" AS "_apid",
    "t19"."_d_owner" AS "_a_d_owner",
    SUM("t19"."hours") AS "hours",
    SUM("t19"."answered") AS "answered",
    SUM("t19"."unanswered") AS "unanswered",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      "t19"."hours_v") AS "hours_v"
  FROM (
    SELECT
      "t4"."_pid",
      "t18"."_d_owner",
      "t18"."_m_hours" AS "hours",
      "t18"."_m_answered" AS "answered",
      "t18"."_m_unanswered" AS "unanswered",
      "t18"."_m_hours_v" AS "hours_v"
    FROM (
      SELECT
        "t16"."id",
        "t16"."created_at",
        "t16"."owner_id",
        "t16"."source",
        "t16"."campaign_id",
        "t16"."_first_out",
        "t16"."owner_id" AS "_owner",
        "t16"."owner_id" AS "_d_owner",
        COALESCE(
          CAST(EXTRACT('epoch' FROM "t16"."_first_out") - EXTRACT('epoch' FROM "t16"."created_at") AS DOUBLE PRECISION) / 3600.0,
          0.0
        ) AS "_m_hours",
        CAST(CASE WHEN COALESCE("t16"."_first_out" IS NOT NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_answered",
        CAST(CASE WHEN COALESCE("t16"."_first_out" IS NULL, FALSE) THEN 1 ELSE 0 END AS DOUBLE PRECISION) AS "_m_unanswered",
        CAST(EXTRACT('epoch' FROM "t16"."_first_out") - EXTRACT('epoch' FROM "t16"."created_at") AS DOUBLE PRECISION) / 3600.0 AS "_m_hours_v"
      FROM (
        SELECT
          "t15"."id",
          "t15"."created_at",
          "t15"."owner_id",
          "t15"."source",
          "t15"."campaign_id",
          "t15"."_first_out"
        FROM (
          SELECT
            "t8"."id",
            "t8"."created_at",
            "t8"."owner_id",
            "t8"."source",
            "t8"."campaign_id",
            "t14"."_fid",
            "t14"."_first_out"
          FROM (
            SELECT
              "t1"."id",
              "t1"."created_at",
              "t1"."owner_id",
              "t1"."source",
              "t1"."campaign_id"
            FROM "leads" AS "t1"
          ) AS "t8"
          LEFT OUTER JOIN (
            SELECT
              "t12"."lead_id" AS "_fid",
              MIN("t12"."occurred_at") AS "_first_out"
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  "t10"."id",
                  "t10"."external_id",
                  "t10"."type",
                  "t10"."direction",
                  "t10"."owner_id",
                  "t10"."account_id",
                  "t10"."lead_id",
                  "t10"."deal_id",
                  "t10"."ticket_id",
                  "t10"."occurred_at",
                  "t10"."duration_s",
                  "t10"."automated",
                  "t10"."outcome",
                  "t10"."due_at",
                  "t10"."done_at",
                  "t7"."_lid",
                  "t7"."_created"
                FROM (
                  SELECT
                    *
                  FROM "activities" AS "t2"
                  WHERE
                    "t2"."direction" = 'outbound' AND "t2"."lead_id" IS NOT NULL
                ) AS "t10"
                INNER JOIN (
                  SELECT
                    "t1"."id" AS "_lid",
                    "t1"."created_at" AS "_created"
                  FROM "leads" AS "t1"
                ) AS "t7"
                  ON "t10"."lead_id" = "t7"."_lid"
              ) AS "t11"
              WHERE
                "t11"."occurred_at" >= "t11"."_created"
            ) AS "t12"
            GROUP BY
              1
          ) AS "t14"
            ON "t8"."id" = "t14"."_fid"
        ) AS "t15"
      ) AS "t16"
    ) AS "t18"
    INNER JOIN "pulso_periods" AS "t4"
      ON "t18"."created_at" >= "t4"."_p_start" AND "t18"."created_at" < "t4"."_p_end"
  ) AS "t19"
  GROUP BY
    1,
    2
)
SELECT
  "t3"."_pid",
  "t24"."_d_owner" AS "owner",
  CAST(COALESCE("t22"."hours", 0.0) AS DOUBLE PRECISION) / NULLIF(COALESCE("t22"."answered", 0.0), 0) AS "value",
  COALESCE("t22"."hours", 0.0) AS "numerator",
  COALESCE("t22"."answered", 0.0) AS "denominator",
  "t22"."hours_v" AS "median",
  COALESCE("t22"."unanswered", 0.0) AS "unanswered"
FROM "pulso_periods" AS "t3"
CROSS JOIN (
  SELECT DISTINCT
    "t21"."_a_d_owner" AS "_d_owner"
  FROM "t20" AS "t21"
) AS "t24"
LEFT OUTER JOIN "t20" AS "t22"
  ON "t3"."_pid" = "t22"."_apid"
  AND "t24"."_d_owner" IS NOT DISTINCT FROM "t22"."_a_d_owner";
