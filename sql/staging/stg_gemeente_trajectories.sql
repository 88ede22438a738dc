-- Grain: one municipal trajectory (pseudoniem, gemeente_code, melding_datum) as last delivered.
-- Key: pseudoniem, gemeente_code, notice_date
-- Partition: bucket
-- Rule: contract, gemeente re-deliveries: the later exportdatum wins, on a tie the later ingest.
SELECT
    r.pseudoniem,
    person_bucket(r.pseudoniem) AS bucket,
    COALESCE(g.current_code, r.gemeente_code) AS gemeente_code,
    r.melding_datum AS notice_date,
    r.uitstroomdatum AS release_date,
    r.eerste_contact_datum AS first_contact_date,
    r.casemanager AS case_manager,
    r.id_bewijs_3mnd, r.onderdak_3mnd, r.werk_inkomen_3mnd,
    r.schulden_3mnd, r.zorg_3mnd, r.sociaal_netwerk_3mnd,
    r.exportdatum AS export_date,
    r.delivery_id
FROM loaded_rows('raw_gemeente_trajectories') AS r
LEFT JOIN ref_gemeenten AS g ON g.gemeente_code = r.gemeente_code
QUALIFY row_number() OVER (
    PARTITION BY r.pseudoniem, r.gemeente_code, r.melding_datum
    ORDER BY r.delivery_date DESC, r.delivery_id DESC
) = 1
