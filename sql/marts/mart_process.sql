-- Grain: release year x PI x municipality x sex x age band.
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Additive: n_releases
-- Rule: meetregels Proces: re-integratieplan, TBO binnen 10 dagen (only PIs that deliver TBO
-- dates), tijdig gemeld (>= 14 days before release), in beeld bij gemeente (only
-- municipalities that deliver nazorg-exports).
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
WITH flags AS (
    SELECT
        release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        notice_date, notice_days,
        true AS n_releases,
        reintegration_plan = 'ja' AS n_plan_yes,
        reintegration_plan IN ('ja', 'nee') AS n_plan_known,
        pi_delivers_tbo AND tbo_within_10_days AS n_tbo_within_10_days,
        pi_delivers_tbo AS n_tbo_scope,
        notice_date IS NOT NULL AND notice_days >= 14 AS n_notice_timely,
        notice_date IS NOT NULL AS n_notice_known,
        a.gemeente_delivers_nazorg AND a.known_to_gemeente AS n_known_to_gemeente,
        a.gemeente_delivers_nazorg AS n_known_scope
    FROM core_releases
    JOIN core_release_aftercare AS a USING (release_id, gemeente_code)
)
SELECT
    release_year, pi_code, gemeente_code, provincie, sex, age_band,
    count_true(COLUMNS('^(n_.+)$')) AS '\1',
    key_sum(COLUMNS('^n_(.+)$'), record_key) AS 'ck_\1',
    COALESCE(sum(notice_days) FILTER (WHERE notice_date IS NOT NULL), 0) AS sum_notice_days
FROM flags
GROUP BY ALL
