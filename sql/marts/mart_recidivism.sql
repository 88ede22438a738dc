-- Grain: cohort year x PI x municipality x sex x age band x detention length.
-- Key: cohort_year, pi_code, gemeente_code, sex, age_band, length_band
-- Additive: n_cohort
-- Rule: meetregels Recidive: cohort size, persons re-offending (and seriously) within one and
-- two years, and whether the window has passed for everyone (31 Dec of Y + k <= peildatum).
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
-- The case-mix cells (core_cohort_cells) without the number of earlier releases.
SELECT * FROM rolled_up('core_cohort_cells', ['earlier_releases'])
