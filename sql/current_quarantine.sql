-- The quarantined rows still current: a quarantined row is superseded once a later delivery
-- of the same supplier has loaded. A view of the store, for the beheerder's CLI; it holds
-- the rows' values (raw_values) and is never published.
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

-- What readers get of it, published with every snapshot: counts only, per delivery,
-- supplier, rule and column. n_rows_rule counts a row once per rule, whatever the number of
-- its columns that broke it. No value, row number or pseudonym.
CREATE OR REPLACE VIEW current_quarantine_counts AS
SELECT delivery_id, file_name, source, supplier, delivery_date, rule, column_name,
       CAST(count(DISTINCT row_number) AS BIGINT) AS n_rows,
       CAST(any_value(n_rows_rule) AS BIGINT) AS n_rows_rule
FROM (
    SELECT *, count(DISTINCT row_number) OVER (PARTITION BY delivery_id, rule) AS n_rows_rule
    FROM current_quarantine
)
GROUP BY ALL;
