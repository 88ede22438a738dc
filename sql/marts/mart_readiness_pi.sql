-- Grain: release year x PI x sex x age band: mart_readiness summed over municipalities.
-- Key: release_year, pi_code, sex, age_band
-- Rule: as mart_readiness. A question that chooses no municipality or province (per year,
-- per PI) reads this table, twenty-five times smaller than mart_readiness. The key sums ck_
-- are summed too (the reader takes them modulo 2^32).
SELECT
    release_year, pi_code, sex, age_band,
    CAST(sum(COLUMNS('^((n|ck)_.+)$')) AS BIGINT) AS '\1'
FROM mart_readiness
GROUP BY ALL
