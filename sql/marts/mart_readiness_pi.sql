-- Grain: release year x PI x sex x age band: mart_readiness summed over municipalities.
-- Key: release_year, pi_code, sex, age_band
-- Additive: n_releases
-- Rule: as mart_readiness. A question that chooses no municipality or province (per year,
-- per PI) reads this table, twenty-five times smaller than mart_readiness. The key sums ck_
-- are summed modulo 2^32, as in every mart.
SELECT * FROM rolled_up('mart_readiness', ['gemeente_code', 'provincie'])
