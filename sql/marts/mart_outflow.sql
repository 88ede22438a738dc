-- Grain: release month x PI x municipality x reason x sex x age band x detention length.
-- Key: release_year, release_quarter, release_month, pi_code, gemeente_code, release_reason, sex,
--     age_band, length_band
-- Additive: n_releases
-- Rule: meetregels Uitstroom: the number of releases (episodes, not persons).
SELECT
    release_year, release_quarter, release_month, pi_code, gemeente_code, provincie,
    release_reason, sex, age_band, length_band,
    count(*) AS n_releases,
    key_sum(true, record_key) AS ck_releases
FROM core_releases
GROUP BY ALL
