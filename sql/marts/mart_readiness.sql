-- Grain: release year x PI x municipality x sex x age band; per leefgebied (six + 'alle'):
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Additive: n_releases
-- Rule: meetregels Leefgebieden op orde bij uitstroom: counts op orde, niet op orde, onbekend
-- at release, and the same status counts at intake. One column set per leefgebied (wide:
-- n_<leefgebied>_<count>), so the mart has one row per cell, like mart_process; each count is
-- written once for every leefgebied (COLUMNS). Verbeterd tijdens detentie, a count of intake
-- and release together, is mart_readiness_improvement.
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
WITH statuses AS (
    SELECT release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        COLUMNS(lambda c: (c LIKE '%_intake' OR c LIKE '%_release') AND c <> 'age_at_release')
    FROM core_releases
),
flags AS (
    SELECT release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        true AS n_releases,
        COLUMNS('^(.+)_release$') = 'op_orde' AS 'n_\1_op_orde',
        COLUMNS('^(.+)_release$') = 'niet_op_orde' AS 'n_\1_niet_op_orde',
        COLUMNS('^(.+)_release$') = 'onbekend' AS 'n_\1_onbekend',
        COLUMNS('^(.+)_intake$') = 'op_orde' AS 'n_\1_intake_op_orde',
        COLUMNS('^(.+)_intake$') = 'niet_op_orde' AS 'n_\1_intake_niet_op_orde'
    FROM statuses
)
SELECT * FROM counted('flags')
