-- Grain: release year x PI x municipality x sex x age band.
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Rule: meetregels Proces: re-integratieplan, TBO binnen 10 dagen (only PIs that deliver TBO
-- dates), tijdig gemeld (>= 14 days before release), in beeld bij gemeente (only
-- municipalities that deliver nazorg-exports).
SELECT
    release_year, pi_code, gemeente_code, provincie, sex, age_band,
    count(*) AS n_releases,
    count(*) FILTER (WHERE reintegration_plan = 'ja') AS n_plan_yes,
    count(*) FILTER (WHERE reintegration_plan IN ('ja', 'nee')) AS n_plan_known,
    count(*) FILTER (WHERE pi_delivers_tbo AND tbo_within_10_days) AS n_tbo_within_10_days,
    count(*) FILTER (WHERE pi_delivers_tbo) AS n_tbo_scope,
    count(*) FILTER (WHERE notice_date IS NOT NULL AND notice_days >= 14) AS n_notice_timely,
    count(*) FILTER (WHERE notice_date IS NOT NULL) AS n_notice_known,
    sum(notice_days) FILTER (WHERE notice_date IS NOT NULL) AS sum_notice_days,
    count(*) FILTER (WHERE gemeente_delivers_nazorg AND known_to_gemeente) AS n_known_to_gemeente,
    count(*) FILTER (WHERE gemeente_delivers_nazorg) AS n_known_scope
FROM core_releases
GROUP BY ALL
