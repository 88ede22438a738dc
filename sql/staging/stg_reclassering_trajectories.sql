-- Grain: one probation trajectory (pseudoniem, organisatie, soort, startdatum) as last delivered.
-- Key: pseudoniem, organisation, kind, start_date
-- Partition: bucket
-- Rule: contract v1.1, reclassering re-deliveries: the later exportdatum wins, on a tie the
-- later ingest.
SELECT
    r.pseudoniem,
    person_bucket(r.pseudoniem) AS bucket,
    r.organisatie AS organisation,
    r.soort AS kind,
    r.kader AS frame,
    r.startdatum AS start_date,
    r.einddatum AS end_date,
    r.afloop AS ending,
    r.betrokken_bij_tbo AS at_tbo,
    r.exportdatum AS export_date,
    r.delivery_id
FROM loaded_rows('raw_reclassering_trajectories') AS r
QUALIFY row_number() OVER (
    PARTITION BY r.pseudoniem, r.organisatie, r.soort, r.startdatum
    ORDER BY r.delivery_date DESC, r.delivery_id DESC
) = 1
