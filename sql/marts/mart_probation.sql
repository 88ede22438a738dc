-- Grain: release year x PI x municipality x sex x age band.
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Additive: n_releases
-- Rule: meetregels Proces (reclassering): covered releases; of them under supervision after
-- release, in total and by kader; covered releases with a TBO date, and of them with the
-- probation service at the TBO. Releases outside the coverage count nowhere (niet geleverd)
-- but in n_releases, all releases of the cell.
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
WITH flags AS (
    SELECT
        r.release_year, r.pi_code, r.gemeente_code, r.provincie, r.sex, r.age_band,
        r.record_key,
        true AS n_releases,
        p.covered AS n_covered,
        p.covered AND p.supervised AS n_supervised,
        p.covered AND p.supervision_frame = 'vi' AS n_supervised_vi,
        p.covered AND p.supervision_frame = 'voorwaardelijke_straf'
            AS n_supervised_voorwaardelijke_straf,
        p.covered AND p.supervision_frame = 'schorsing' AS n_supervised_schorsing,
        p.covered AND p.supervision_frame = 'overig' AS n_supervised_overig,
        p.covered AND r.tbo_date IS NOT NULL AS n_tbo_covered,
        p.covered AND r.tbo_date IS NOT NULL AND p.probation_at_tbo AS n_probation_at_tbo
    FROM core_releases AS r
    JOIN core_release_probation AS p USING (release_id)
)
SELECT * FROM counted('flags')
