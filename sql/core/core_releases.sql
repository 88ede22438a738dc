-- Grain: one release (a pi episode with a release date and a reason other than a transfer).
-- Key: release_id
-- Partition: bucket
-- Rule: meetregels Uitstroom (release, period, breakdowns), Leefgebieden (status at intake
-- and release), Proces (plan, TBO, notification; in beeld: core_release_aftercare) and the
-- case-mix covariates. A release's rows are made from its person's episodes alone (and the
-- PIs that deliver TBO dates, core_tbo_pis), so that a delivery rebuilds only the buckets of
-- the persons it names (store/partitions.py); the release's id is its episode's key.
WITH releases AS NOT MATERIALIZED (
    SELECT
        *,
        year(release_date) - birth_year AS age_at_release,
        datediff('day', admission_date, release_date) AS detention_days,
        -- The status of each leefgebied at intake and release (stg: <leefgebied>_instroom, ..).
        readiness(COLUMNS('^(.+)_instroom$')) AS '\1_intake',
        readiness(COLUMNS('^(.+)_uitstroom$')) AS '\1_release',
        list_transform(list_value(*COLUMNS('^.+_uitstroom$')), lambda s: readiness(s))
            AS release_statuses,
        list_transform(list_value(*COLUMNS('^.+_instroom$')), lambda s: readiness(s))
            AS intake_statuses
    FROM stg_pi_episodes
    WHERE release_date IS NOT NULL AND release_reason <> 'overplaatsing'
),
ordered AS (
    -- The ordering on the episode key alone (pseudoniem, admission date: one row each), not
    -- on the wide rows: at ten times national scale that is 2 s instead of 14. (Per bucket
    -- too, which a person's rows share: a filter on the bucket reaches the window's input.)
    SELECT bucket, pseudoniem, admission_date,
        count(*) OVER (
            PARTITION BY bucket, pseudoniem ORDER BY release_date, admission_date
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS n_earlier_releases
    FROM releases
)
SELECT
    r.pseudoniem || '|' || r.admission_date AS release_id,
    r.pseudoniem,
    r.bucket,
    r.pi_code,
    COALESCE(r.gemeente_code, 'onbekend') AS gemeente_code,
    COALESCE(g.provincie, 'onbekend') AS provincie,
    r.admission_date,
    r.release_date,
    r.release_reason,
    year(r.release_date) AS release_year,
    quarter(r.release_date) AS release_quarter,
    month(r.release_date) AS release_month,
    r.sex,
    r.age_at_release,
    age_band(r.age_at_release) AS age_band,
    r.detention_days,
    length_band(r.detention_days) AS length_band,
    COLUMNS('^(id_bewijs|onderdak|werk_inkomen|schulden|zorg|sociaal_netwerk)_(intake|release)$'),
    -- Alle basisvoorwaarden: op orde when all six are, niet op orde when any is not.
    CASE WHEN list_contains(r.release_statuses, 'niet_op_orde') THEN 'niet_op_orde'
         WHEN list_count(list_filter(r.release_statuses, lambda s: s = 'op_orde')) = 6 THEN 'op_orde'
         ELSE 'onbekend' END AS alle_release,
    CASE WHEN list_contains(r.intake_statuses, 'niet_op_orde') THEN 'niet_op_orde'
         WHEN list_count(list_filter(r.intake_statuses, lambda s: s = 'op_orde')) = 6 THEN 'op_orde'
         ELSE 'onbekend' END AS alle_intake,
    list_count(list_filter(r.release_statuses, lambda s: s = 'op_orde')) AS n_release_op_orde,
    r.reintegration_plan,
    r.tbo_date,
    r.pi_code IN (SELECT pi_code FROM core_tbo_pis) AS pi_delivers_tbo,
    r.tbo_date IS NOT NULL AND r.tbo_date <= r.admission_date + 10 AS tbo_within_10_days,
    r.notice_date,
    datediff('day', r.notice_date, r.release_date) AS notice_days,
    o.n_earlier_releases,
    -- The cell-key method (docs/cellkey.md): the release's record key.
    record_key(r.pseudoniem || '|' || r.admission_date) AS record_key
FROM releases AS r
JOIN ordered AS o USING (bucket, pseudoniem, admission_date)
LEFT JOIN ref_gemeenten AS g ON g.gemeente_code = r.gemeente_code
