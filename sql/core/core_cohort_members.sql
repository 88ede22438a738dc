-- Grain: one person per release year (cohort), at their first release in that year.
-- Key: cohort_year, pseudoniem
-- Partition: bucket
-- Rule: meetregels Recidive, Cohort: counted once, breakdowns use that first release.
WITH firsts AS (
    -- Ordered on the key columns alone, not the wide rows (ten times faster at scale).
    SELECT bucket, release_id
    FROM core_releases
    QUALIFY row_number() OVER (
        PARTITION BY bucket, pseudoniem, release_year ORDER BY release_date, admission_date
    ) = 1
)
SELECT
    r.release_year AS cohort_year,
    r.*
FROM core_releases AS r
SEMI JOIN firsts USING (bucket, release_id)
