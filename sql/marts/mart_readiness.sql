-- Grain: release year x PI x municipality x sex x age band; per leefgebied (six + 'alle'):
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Rule: meetregels Leefgebieden op orde bij uitstroom: counts op orde, niet op orde, onbekend
-- at release, and for verbeterd tijdens detentie: intake niet op orde -> release op orde, and
-- intake niet op orde with a known release status; the status counts at intake too. One
-- column set per leefgebied (wide), so the mart has one row per cell, like mart_process.
SELECT
    release_year, pi_code, gemeente_code, provincie, sex, age_band,
    count(*) AS n_releases,
    count(*) FILTER (WHERE id_bewijs_release = 'op_orde') AS n_id_bewijs_op_orde,
    count(*) FILTER (WHERE id_bewijs_release = 'niet_op_orde') AS n_id_bewijs_niet_op_orde,
    count(*) FILTER (WHERE id_bewijs_release = 'onbekend') AS n_id_bewijs_onbekend,
    count(*) FILTER (WHERE id_bewijs_intake = 'niet_op_orde' AND id_bewijs_release = 'op_orde')
        AS n_id_bewijs_improved,
    count(*) FILTER (WHERE id_bewijs_intake = 'niet_op_orde' AND id_bewijs_release <> 'onbekend')
        AS n_id_bewijs_intake_niet_known,
    count(*) FILTER (WHERE id_bewijs_intake = 'op_orde') AS n_id_bewijs_intake_op_orde,
    count(*) FILTER (WHERE id_bewijs_intake = 'niet_op_orde') AS n_id_bewijs_intake_niet_op_orde,
    count(*) FILTER (WHERE onderdak_release = 'op_orde') AS n_onderdak_op_orde,
    count(*) FILTER (WHERE onderdak_release = 'niet_op_orde') AS n_onderdak_niet_op_orde,
    count(*) FILTER (WHERE onderdak_release = 'onbekend') AS n_onderdak_onbekend,
    count(*) FILTER (WHERE onderdak_intake = 'niet_op_orde' AND onderdak_release = 'op_orde')
        AS n_onderdak_improved,
    count(*) FILTER (WHERE onderdak_intake = 'niet_op_orde' AND onderdak_release <> 'onbekend')
        AS n_onderdak_intake_niet_known,
    count(*) FILTER (WHERE onderdak_intake = 'op_orde') AS n_onderdak_intake_op_orde,
    count(*) FILTER (WHERE onderdak_intake = 'niet_op_orde') AS n_onderdak_intake_niet_op_orde,
    count(*) FILTER (WHERE werk_inkomen_release = 'op_orde') AS n_werk_inkomen_op_orde,
    count(*) FILTER (WHERE werk_inkomen_release = 'niet_op_orde') AS n_werk_inkomen_niet_op_orde,
    count(*) FILTER (WHERE werk_inkomen_release = 'onbekend') AS n_werk_inkomen_onbekend,
    count(*) FILTER (WHERE werk_inkomen_intake = 'niet_op_orde' AND werk_inkomen_release = 'op_orde')
        AS n_werk_inkomen_improved,
    count(*) FILTER (WHERE werk_inkomen_intake = 'niet_op_orde' AND werk_inkomen_release <> 'onbekend')
        AS n_werk_inkomen_intake_niet_known,
    count(*) FILTER (WHERE werk_inkomen_intake = 'op_orde') AS n_werk_inkomen_intake_op_orde,
    count(*) FILTER (WHERE werk_inkomen_intake = 'niet_op_orde') AS n_werk_inkomen_intake_niet_op_orde,
    count(*) FILTER (WHERE schulden_release = 'op_orde') AS n_schulden_op_orde,
    count(*) FILTER (WHERE schulden_release = 'niet_op_orde') AS n_schulden_niet_op_orde,
    count(*) FILTER (WHERE schulden_release = 'onbekend') AS n_schulden_onbekend,
    count(*) FILTER (WHERE schulden_intake = 'niet_op_orde' AND schulden_release = 'op_orde')
        AS n_schulden_improved,
    count(*) FILTER (WHERE schulden_intake = 'niet_op_orde' AND schulden_release <> 'onbekend')
        AS n_schulden_intake_niet_known,
    count(*) FILTER (WHERE schulden_intake = 'op_orde') AS n_schulden_intake_op_orde,
    count(*) FILTER (WHERE schulden_intake = 'niet_op_orde') AS n_schulden_intake_niet_op_orde,
    count(*) FILTER (WHERE zorg_release = 'op_orde') AS n_zorg_op_orde,
    count(*) FILTER (WHERE zorg_release = 'niet_op_orde') AS n_zorg_niet_op_orde,
    count(*) FILTER (WHERE zorg_release = 'onbekend') AS n_zorg_onbekend,
    count(*) FILTER (WHERE zorg_intake = 'niet_op_orde' AND zorg_release = 'op_orde')
        AS n_zorg_improved,
    count(*) FILTER (WHERE zorg_intake = 'niet_op_orde' AND zorg_release <> 'onbekend')
        AS n_zorg_intake_niet_known,
    count(*) FILTER (WHERE zorg_intake = 'op_orde') AS n_zorg_intake_op_orde,
    count(*) FILTER (WHERE zorg_intake = 'niet_op_orde') AS n_zorg_intake_niet_op_orde,
    count(*) FILTER (WHERE sociaal_netwerk_release = 'op_orde') AS n_sociaal_netwerk_op_orde,
    count(*) FILTER (WHERE sociaal_netwerk_release = 'niet_op_orde') AS n_sociaal_netwerk_niet_op_orde,
    count(*) FILTER (WHERE sociaal_netwerk_release = 'onbekend') AS n_sociaal_netwerk_onbekend,
    count(*) FILTER (WHERE sociaal_netwerk_intake = 'niet_op_orde' AND sociaal_netwerk_release = 'op_orde')
        AS n_sociaal_netwerk_improved,
    count(*) FILTER (WHERE sociaal_netwerk_intake = 'niet_op_orde' AND sociaal_netwerk_release <> 'onbekend')
        AS n_sociaal_netwerk_intake_niet_known,
    count(*) FILTER (WHERE sociaal_netwerk_intake = 'op_orde') AS n_sociaal_netwerk_intake_op_orde,
    count(*) FILTER (WHERE sociaal_netwerk_intake = 'niet_op_orde') AS n_sociaal_netwerk_intake_niet_op_orde,
    count(*) FILTER (WHERE alle_release = 'op_orde') AS n_alle_op_orde,
    count(*) FILTER (WHERE alle_release = 'niet_op_orde') AS n_alle_niet_op_orde,
    count(*) FILTER (WHERE alle_release = 'onbekend') AS n_alle_onbekend,
    count(*) FILTER (WHERE alle_intake = 'niet_op_orde' AND alle_release = 'op_orde')
        AS n_alle_improved,
    count(*) FILTER (WHERE alle_intake = 'niet_op_orde' AND alle_release <> 'onbekend')
        AS n_alle_intake_niet_known,
    count(*) FILTER (WHERE alle_intake = 'op_orde') AS n_alle_intake_op_orde,
    count(*) FILTER (WHERE alle_intake = 'niet_op_orde') AS n_alle_intake_niet_op_orde
FROM core_releases
GROUP BY ALL
