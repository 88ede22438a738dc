-- Grain: cohort year x PI x municipality x sex x age band x leefgebieden op orde x day.
-- Key: cohort_year, pi_code, gemeente_code, sex, age_band, n_release_op_orde, alle_release, days
-- Additive: n_events n_censored
-- Moves with core_peildatum: cohort_year >= year(peildatum) - 3
-- Split: mart_survival_settled holds the rows below the bound, mart_survival_open the others;
-- mart_survival is the view of both (store/slices.py).
-- Rule: meetregels Recidive, time to re-offence: days from release to the first case, or
-- censored at peildatum; follow-up is cut at three years (1,095 days) for the curves.
SELECT
    m.cohort_year, m.pi_code, m.gemeente_code, m.provincie, m.sex, m.age_band,
    m.n_release_op_orde, m.alle_release,
    observed_days(o.release_date, o.first_offence_date, p.peildatum) AS days,
    count(*) FILTER (WHERE observed_event(o.release_date, o.first_offence_date, p.peildatum))
        AS n_events,
    count(*) FILTER (WHERE NOT observed_event(o.release_date, o.first_offence_date, p.peildatum))
        AS n_censored
FROM core_cohort_members AS m
JOIN core_recidivism_outcomes AS o USING (cohort_year, pseudoniem)
CROSS JOIN core_peildatum AS p
WHERE o.release_date <= p.peildatum
GROUP BY ALL
