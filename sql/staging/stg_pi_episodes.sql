-- Grain: one detention episode (pseudoniem, instroomdatum) as last delivered.
-- Key: pseudoniem, admission_date
-- Partition: bucket
-- Rule: contract, pi re-deliveries: the later exportdatum wins, on a tie the later ingest;
-- old municipality codes are mapped to the current municipality (gemeente_herindelingen).
SELECT
    r.pseudoniem,
    person_bucket(r.pseudoniem) AS bucket,
    r.inrichting AS pi_code,
    r.instroomdatum AS admission_date,
    r.uitstroomdatum AS release_date,
    r.uitstroomreden AS release_reason,
    COALESCE(g.current_code, r.gemeente_code) AS gemeente_code,
    r.geboortejaar AS birth_year,
    r.geslacht AS sex,
    r.id_bewijs_instroom, r.onderdak_instroom, r.werk_inkomen_instroom,
    r.schulden_instroom, r.zorg_instroom, r.sociaal_netwerk_instroom,
    r.id_bewijs_uitstroom, r.onderdak_uitstroom, r.werk_inkomen_uitstroom,
    r.schulden_uitstroom, r.zorg_uitstroom, r.sociaal_netwerk_uitstroom,
    r.reintegratieplan AS reintegration_plan,
    r.tbo_datum AS tbo_date,
    r.melding_gemeente_datum AS notice_date,
    r.exportdatum AS export_date,
    r.delivery_id
FROM loaded_rows('raw_pi_episodes') AS r
LEFT JOIN ref_gemeenten AS g ON g.gemeente_code = r.gemeente_code
QUALIFY row_number() OVER (
    PARTITION BY r.pseudoniem, r.instroomdatum
    ORDER BY r.delivery_date DESC, r.delivery_id DESC
) = 1
