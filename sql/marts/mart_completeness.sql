-- Grain: release year x PI x municipality x sex x age band.
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Additive: n_releases
-- Rule: meetregels Leefgebieden (% onbekend) extended to every field a figure depends on:
-- releases whose field is empty or 'onbekend', for the data-quality page.
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
WITH flags AS (
    SELECT
        release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        true AS n_releases,
        gemeente_code = 'onbekend' AS n_missing_gemeente,
        reintegration_plan IS NULL OR reintegration_plan NOT IN ('ja', 'nee')
            AS n_missing_reintegration_plan,
        notice_date IS NULL AS n_missing_notice_date,
        tbo_date IS NULL AS n_missing_tbo_date,
        COLUMNS('^(id_bewijs|onderdak|werk_inkomen|schulden|zorg|sociaal_netwerk)_(intake|release)$')
            = 'onbekend' AS 'n_missing_\1_\2'
    FROM core_releases
)
SELECT * FROM counted('flags')
