-- Grain: one row: the day until which the reclassering figures are covered (null: none).
-- Key: (one row)
-- Rule: meetregels Proces, Reclassering coverage: a release month is covered when each of the
-- three organisations has delivered an export dated after it, i.e. its last day lies before
-- the earliest of the three organisations' latest exportdatum.
WITH latest AS (
    SELECT supplier, max(delivery_date) AS export_date
    FROM deliveries
    WHERE status = 'loaded' AND source = 'reclassering' AND supplier IN ('rn', 'svg', 'ldh')
    GROUP BY supplier
)
SELECT CASE WHEN count(*) = 3 THEN min(export_date) END AS covered_until FROM latest
