-- Grain: cohort year x release month x PI x municipality x sex x age band x length band x
-- earlier releases x every leefgebied at intake x every factor's level x day of re-offence or
-- censoring (no person key; near person level: only for models, curves and the effect
-- evaluation's matching, never shown as such).
-- Key: cohort_year, release_month, pi_code, gemeente_code, sex, age_band, length_band,
--     n_earlier_releases, id_bewijs_intake, onderdak_intake, werk_inkomen_intake,
--     schulden_intake, zorg_intake, sociaal_netwerk_intake, id_bewijs, onderdak, werk_inkomen,
--     schulden, zorg, sociaal_netwerk, reintegratieplan, tbo_10_dagen, tijdig_gemeld, in_beeld,
--     casemanager, onder_toezicht, days, event
-- Additive: n_cohort
-- Moves with core_peildatum: cohort_year >= year(peildatum) - 3
-- Split: mart_factors_settled holds the rows below the bound, mart_factors_open the others;
-- mart_factors is the view of both (store/slices.py).
-- Rule: meetregels Vergelijken (case-mix covariates) and Recidive; the factors are the
-- leefgebieden at release and the process steps of meetregels Proces, each as 'ja', 'nee' or
-- NULL when the measure does not apply or is unknown. The release month and the leefgebieden
-- at intake (as 'ja', 'nee' or NULL) are the effect evaluation's (issue 35): what a treatment
-- cannot have changed, and when it started; sum_cases_1y counts the new cases within a year.
SELECT
    m.cohort_year, month(m.release_date) AS release_month, m.pi_code, m.gemeente_code, m.provincie, m.sex, m.age_band, m.length_band,
    least(m.n_earlier_releases, 5) AS n_earlier_releases,
    op_orde_ja(m.id_bewijs_intake) AS id_bewijs_intake,
    op_orde_ja(m.onderdak_intake) AS onderdak_intake,
    op_orde_ja(m.werk_inkomen_intake) AS werk_inkomen_intake,
    op_orde_ja(m.schulden_intake) AS schulden_intake,
    op_orde_ja(m.zorg_intake) AS zorg_intake,
    op_orde_ja(m.sociaal_netwerk_intake) AS sociaal_netwerk_intake,
    op_orde_ja(m.id_bewijs_release) AS id_bewijs,
    op_orde_ja(m.onderdak_release) AS onderdak,
    op_orde_ja(m.werk_inkomen_release) AS werk_inkomen,
    op_orde_ja(m.schulden_release) AS schulden,
    op_orde_ja(m.zorg_release) AS zorg,
    op_orde_ja(m.sociaal_netwerk_release) AS sociaal_netwerk,
    CASE WHEN m.reintegration_plan IN ('ja', 'nee') THEN m.reintegration_plan END
        AS reintegratieplan,
    CASE WHEN m.pi_delivers_tbo THEN CASE WHEN m.tbo_within_10_days THEN 'ja' ELSE 'nee' END END
        AS tbo_10_dagen,
    CASE WHEN m.notice_date IS NOT NULL
         THEN CASE WHEN m.notice_days >= 14 THEN 'ja' ELSE 'nee' END END AS tijdig_gemeld,
    CASE WHEN a.gemeente_delivers_nazorg
         THEN CASE WHEN a.known_to_gemeente THEN 'ja' ELSE 'nee' END END AS in_beeld,
    CASE WHEN a.gemeente_delivers_nazorg
         THEN CASE WHEN a.has_case_manager THEN 'ja' ELSE 'nee' END END AS casemanager,
    -- Onder toezicht na uitstroom (meetregels Proces), only for releases in the reclassering
    -- coverage.
    CASE WHEN pr.covered THEN CASE WHEN pr.supervised THEN 'ja' ELSE 'nee' END END
        AS onder_toezicht,
    observed_days(o.release_date, o.first_offence_date, p.peildatum) AS days,
    observed_event(o.release_date, o.first_offence_date, p.peildatum) AS event,
    r.available_1y,
    r.available_2y,
    count(*) AS n_cohort,
    count(*) FILTER (WHERE o.reoffended_1y) AS n_reoffended_1y,
    count(*) FILTER (WHERE o.reoffended_2y) AS n_reoffended_2y,
    -- The cell-key method: the key sums of the three counts.
    key_sum(true, m.record_key) AS ck_cohort,
    key_sum(o.reoffended_1y, m.record_key) AS ck_reoffended_1y,
    key_sum(o.reoffended_2y, m.record_key) AS ck_reoffended_2y,
    CAST(sum(o.cases_1y) AS BIGINT) AS sum_cases_1y
FROM core_cohort_members AS m
JOIN core_recidivism_outcomes AS o USING (cohort_year, pseudoniem)
JOIN core_release_probation AS pr ON pr.release_id = m.release_id
JOIN core_release_aftercare AS a
  ON a.release_id = m.release_id AND a.gemeente_code = m.gemeente_code
CROSS JOIN core_peildatum AS p
CROSS JOIN LATERAL (
    SELECT followed_up(m.cohort_year, 1, p.peildatum) AS available_1y,
           followed_up(m.cohort_year, 2, p.peildatum) AS available_2y
) AS r
-- Those released by the peildatum (core_recidivism_outcomes holds every member).
WHERE o.release_date <= p.peildatum
GROUP BY ALL
