-- Grain: one delivery (file) as logged by ingest, with the period its rows cover.
-- Key: delivery_id
-- Rule: contract deliveries; the period is that of uitstroomdatum (pi), melding_datum
-- (gemeente) or pleegdatum (recidive) of the rows loaded.
WITH periods AS (
    SELECT delivery_id, min(uitstroomdatum) AS period_from, max(uitstroomdatum) AS period_to
    FROM raw_pi_episodes GROUP BY delivery_id
    UNION ALL
    SELECT delivery_id, min(melding_datum), max(melding_datum)
    FROM raw_gemeente_trajectories GROUP BY delivery_id
    UNION ALL
    SELECT delivery_id, min(pleegdatum), max(pleegdatum)
    FROM raw_recidive_cases GROUP BY delivery_id
)
SELECT
    d.delivery_id, d.file_name, d.source, d.supplier,
    COALESCE(p.pi_naam, g.gemeente_naam, d.supplier) AS supplier_name,
    d.delivery_date, d.ingested_at, d.status, d.rows_read, d.rows_loaded, d.rows_quarantined,
    d.rows_duplicate, d.reason, d.reason_code, CAST(d.reason_params AS VARCHAR) AS reason_params,
    d.is_synthetic, pr.period_from, pr.period_to
FROM deliveries AS d
LEFT JOIN periods AS pr USING (delivery_id)
LEFT JOIN ref_pis AS p ON p.pi_code = d.supplier
LEFT JOIN ref_gemeenten AS g ON g.gemeente_code = d.supplier
