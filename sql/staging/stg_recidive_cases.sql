-- Grain: one criminal case (zaak_id) as last delivered.
-- Key: case_id
-- Partition: bucket
-- Rule: contract, recidive re-deliveries: the later peildatum wins, on a tie the later ingest.
SELECT
    r.pseudoniem,
    person_bucket(r.pseudoniem) AS bucket,
    r.zaak_id AS case_id,
    r.pleegdatum AS offence_date,
    r.registratiedatum AS registration_date,
    r.delictgroep AS offence_group,
    r.ernstig = 'ja' AS is_severe,
    r.afdoening AS disposal,
    -- meetregels Recidive: acquittals and technical dismissals are not recidivism.
    r.afdoening NOT IN ('vrijspraak', 'technisch_sepot') AS counts_as_recidivism,
    r.peildatum AS peildatum,
    r.delivery_id
FROM loaded_rows('raw_recidive_cases') AS r
QUALIFY row_number() OVER (
    PARTITION BY r.zaak_id
    ORDER BY r.delivery_date DESC, r.delivery_id DESC
) = 1
