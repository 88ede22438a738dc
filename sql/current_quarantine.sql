-- The quarantined rows still current: a quarantined row is superseded once a later delivery
-- of the same supplier has loaded. A view of the store, published with every snapshot.
CREATE OR REPLACE VIEW current_quarantine AS
SELECT q.*, d.file_name, d.source, d.supplier, d.delivery_date, d.ingested_at
FROM quarantine q JOIN deliveries d USING (delivery_id)
WHERE NOT EXISTS (
    SELECT 1 FROM deliveries later
    WHERE later.status = 'loaded' AND later.source = d.source
      AND later.supplier = d.supplier AND later.delivery_id <> d.delivery_id
      AND (later.delivery_date > d.delivery_date
           OR (later.delivery_date = d.delivery_date AND later.delivery_id > d.delivery_id))
);
