-- Grain: one row describing the data behind every figure.
-- Key: (one row)
-- Rule: meetregels Recidive, Peildatum; the last delivery and whether the data are synthetic.
SELECT
    (SELECT peildatum FROM core_peildatum) AS peildatum,
    (SELECT max(ingested_at) FROM deliveries WHERE status = 'loaded') AS last_ingested_at,
    (SELECT max(delivery_date) FROM deliveries WHERE status = 'loaded' AND source = 'pi')
        AS last_export_date,
    (SELECT count(*) FROM deliveries WHERE status = 'loaded') AS n_deliveries,
    (SELECT COALESCE(bool_or(is_synthetic), false) FROM deliveries WHERE status = 'loaded')
        AS any_synthetic,
    (SELECT COALESCE(bool_and(is_synthetic), false) FROM deliveries WHERE status = 'loaded')
        AS all_synthetic,
    (SELECT COALESCE(max(delivery_id), 0) FROM deliveries) AS data_version,
    (SELECT max(release_year) FROM core_releases) AS last_release_year
