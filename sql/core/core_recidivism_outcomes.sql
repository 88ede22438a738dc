-- Grain: one cohort member (cohort_year, pseudoniem) with the first new case after release.
-- Key: cohort_year, pseudoniem
-- Partition: bucket
-- Rule: meetregels Recidive: a case counts unless acquitted or technically dismissed; it
-- re-offends within k years when R < pleegdatum <= R + k years (29 Feb + 1 year = 28 Feb).
WITH first_cases AS (
    SELECT
        m.cohort_year,
        m.bucket,
        m.pseudoniem,
        min(c.offence_date) AS first_offence_date,
        -- The offence group of the first new case (on a tie: the lowest case id).
        arg_min(c.offence_group, (c.offence_date, c.case_id)) AS first_offence_group,
        min(c.offence_date) FILTER (WHERE c.is_severe) AS first_severe_offence_date,
        -- The frequency (issue 35): new cases within one year of release.
        count(*) FILTER (
            WHERE c.offence_date <= CAST(m.release_date + INTERVAL 1 YEAR AS DATE)
        ) AS cases_1y
    FROM core_cohort_members AS m
    JOIN stg_recidive_cases AS c
      ON c.bucket = m.bucket AND c.pseudoniem = m.pseudoniem
     AND c.counts_as_recidivism
     AND c.offence_date > m.release_date
    GROUP BY ALL
)
SELECT
    m.cohort_year,
    m.pseudoniem,
    m.bucket,
    m.release_id,
    m.release_date,
    f.first_offence_date,
    f.first_offence_group,
    f.first_severe_offence_date,
    COALESCE(f.cases_1y, 0) AS cases_1y,
    p.peildatum,
    COALESCE(f.first_offence_date <= CAST(m.release_date + INTERVAL 1 YEAR AS DATE), false)
        AS reoffended_1y,
    COALESCE(f.first_offence_date <= CAST(m.release_date + INTERVAL 2 YEAR AS DATE), false)
        AS reoffended_2y,
    COALESCE(f.first_severe_offence_date <= CAST(m.release_date + INTERVAL 1 YEAR AS DATE), false)
        AS severe_1y,
    COALESCE(f.first_severe_offence_date <= CAST(m.release_date + INTERVAL 2 YEAR AS DATE), false)
        AS severe_2y,
    -- Time to re-offence for survival curves; without a case by peildatum: censored there.
    CASE WHEN f.first_offence_date <= p.peildatum
         THEN datediff('day', m.release_date, f.first_offence_date)
         ELSE datediff('day', m.release_date, p.peildatum) END AS days_observed,
    f.first_offence_date IS NOT NULL AND f.first_offence_date <= p.peildatum AS reoffended
FROM core_cohort_members AS m
CROSS JOIN core_peildatum AS p
LEFT JOIN first_cases AS f USING (cohort_year, bucket, pseudoniem)
WHERE p.peildatum IS NOT NULL AND m.release_date <= p.peildatum
