-- Grain: one PI that delivers TBO dates (any episode with a tbo_datum).
-- Key: pi_code
-- Rule: meetregels Proces, TBO binnen 10 dagen: only PIs that deliver TBO dates count. Apart
-- from core_releases, which it applies to all of a PI's releases: a delivery leaves it as it
-- is (unless a PI starts or stops delivering the dates), and core_releases is then rebuilt
-- only for the persons the delivery names.
SELECT DISTINCT pi_code FROM stg_pi_episodes WHERE tbo_date IS NOT NULL
