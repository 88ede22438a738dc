-- Grain: cohort year x PI x municipality x sex x age band x offence group of the first new case.
-- Key: cohort_year, pi_code, gemeente_code, sex, age_band, offence_group
-- Additive: n_reoffended_2y
-- Moves with core_peildatum: cohort_year >= year(peildatum) - 3
-- Rule: meetregels Recidive: persons who re-offend within two years, by the offence group
-- (`delictgroep`) of their first recidive case; published like the two-year figure.
SELECT
    m.cohort_year, m.pi_code, m.gemeente_code, m.provincie, m.sex, m.age_band,
    o.first_offence_group AS offence_group,
    count(*) AS n_reoffended_2y,
    key_sum(true, m.record_key) AS ck_reoffended_2y
FROM core_cohort_members AS m
JOIN core_recidivism_outcomes AS o USING (cohort_year, pseudoniem)
CROSS JOIN core_peildatum AS p
WHERE o.reoffended_2y AND o.release_date <= p.peildatum
GROUP BY ALL
