-- Grain: one person per release year (cohort), at their first release in that year.
-- Key: cohort_year, pseudoniem
-- Rule: meetregels Recidive, Cohort: counted once, breakdowns use that first release.
SELECT
    release_year AS cohort_year,
    *
FROM core_releases
QUALIFY row_number() OVER (
    PARTITION BY pseudoniem, release_year ORDER BY release_date, admission_date
) = 1
