-- Grain: release year x PI x municipality x sex x age band x leefgebied (six + 'alle'), the
-- cells with at least one release whose leefgebied was niet op orde at intake.
-- Key: release_year, pi_code, gemeente_code, sex, age_band, leefgebied
-- Additive: n_intake_niet
-- Rule: meetregels Leefgebieden, verbeterd tijdens detentie: of the releases niet op orde at
-- intake, those op orde at release (n_improved) and those with a known release status
-- (n_intake_niet_known, the denominator); n_intake_niet counts them all. The status pairs are one row per release and
-- leefgebied (long), so that each count is written once for all leefgebieden.
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
WITH lists AS (
    -- Intake and release statuses in the same leefgebied order (checked below by name).
    SELECT release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        struct_keys(struct_pack(*COLUMNS('^.+_intake$'))) AS intake_names,
        struct_keys(struct_pack(
            *COLUMNS(lambda c: c LIKE '%_release' AND c <> 'age_at_release'))) AS release_names,
        list_value(*COLUMNS('^.+_intake$')) AS intakes,
        list_value(*COLUMNS(lambda c: c LIKE '%_release' AND c <> 'age_at_release')) AS releases
    FROM core_releases
),
pairs AS (
    SELECT release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        unnest(intake_names) AS intake_name, unnest(release_names) AS release_name,
        unnest(intakes) AS intake, unnest(releases) AS release
    FROM lists
),
flags AS (
    SELECT release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        CASE WHEN replace(intake_name, '_intake', '') = replace(release_name, '_release', '')
             THEN replace(intake_name, '_intake', '')
             ELSE error('mart_readiness_improvement: intake and release columns differ')
        END AS leefgebied,
        true AS n_intake_niet,
        release = 'op_orde' AS n_improved,
        release <> 'onbekend' AS n_intake_niet_known
    FROM pairs
    WHERE intake = 'niet_op_orde'
)
SELECT * FROM counted('flags')
