-- Grain: year of the end date x probation organisation.
-- Key: end_year, organisation
-- Rule: meetregels Proces, % toezicht regulier afgerond: toezicht trajectories ended in the
-- year with a known afloop, and of them those with afloop = regulier.
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
WITH flags AS (
    SELECT
        year(end_date) AS end_year,
        organisation,
        record_key(pseudoniem || '|' || organisation || '|' || kind || '|' || start_date)
            AS record_key,
        true AS n_ended_known,
        ending = 'regulier' AS n_ended_regular
    FROM stg_reclassering_trajectories
    WHERE kind = 'toezicht' AND end_date IS NOT NULL AND ending IS NOT NULL
)
SELECT * FROM counted('flags')
