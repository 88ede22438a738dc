-- Grain: cohort year x PI x municipality x sex x age band x detention length x earlier
-- releases (capped at five): the case-mix cells of the cohorts.
-- Key: cohort_year, pi_code, gemeente_code, sex, age_band, length_band, earlier_releases
-- Additive: n_cohort
-- Moves with core_peildatum: cohort_year >= year(peildatum) - 3
-- Rule: meetregels Recidive (cohort, re-offending within one and two years, and whether the
-- window has passed for everyone: 31 Dec of Y + k <= peildatum) and Vergelijken (the case-mix
-- covariates). Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key
-- method). Not published: mart_recidivism rolls it up, and the case-mix model is fitted on
-- it (it does not change with a nazorg or reclassering delivery, so neither does the model).
-- (Its own name for the number of earlier releases: a column n_<x> would be a count.)
-- (available_1y/2y depend on the cohort year only: grouping by them adds no cells.)
WITH members AS (
    SELECT
        m.cohort_year, m.pi_code, m.gemeente_code, m.provincie, m.sex, m.age_band,
        m.length_band, least(m.n_earlier_releases, 5) AS earlier_releases, m.record_key,
        followed_up(m.cohort_year, 1, p.peildatum) AS available_1y,
        followed_up(m.cohort_year, 2, p.peildatum) AS available_2y,
        true AS n_cohort,
        o.reoffended_1y AS n_reoffended_1y,
        o.reoffended_2y AS n_reoffended_2y,
        o.severe_1y AS n_severe_1y,
        o.severe_2y AS n_severe_2y
    FROM core_cohort_members AS m
    CROSS JOIN core_peildatum AS p
    -- The outcomes of those released by the peildatum (the others' are not yet known).
    LEFT JOIN core_recidivism_outcomes AS o
      ON o.cohort_year = m.cohort_year AND o.pseudoniem = m.pseudoniem
     AND m.release_date <= p.peildatum
)
SELECT * FROM counted('members')
