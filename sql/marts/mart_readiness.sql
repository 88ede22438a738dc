-- Grain: release year x PI x municipality x sex x age band; per leefgebied (six + 'alle'):
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Rule: meetregels Leefgebieden op orde bij uitstroom: counts op orde, niet op orde, onbekend
-- at release, and for verbeterd tijdens detentie: intake niet op orde -> release op orde, and
-- intake niet op orde with a known release status; the status counts at intake too. One
-- column set per leefgebied (wide: n_<leefgebied>_<count>), so the mart has one row per cell,
-- like mart_process. A count of one status is written once for every leefgebied (COLUMNS);
-- a count of intake and release together once per leefgebied.
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
WITH statuses AS (
    SELECT release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        COLUMNS(lambda c: (c LIKE '%_intake' OR c LIKE '%_release') AND c <> 'age_at_release')
    FROM core_releases
),
flags AS (
    SELECT release_year, pi_code, gemeente_code, provincie, sex, age_band, record_key,
        true AS n_releases,
        COLUMNS('^(.+)_release$') = 'op_orde' AS 'n_\1_op_orde',
        COLUMNS('^(.+)_release$') = 'niet_op_orde' AS 'n_\1_niet_op_orde',
        COLUMNS('^(.+)_release$') = 'onbekend' AS 'n_\1_onbekend',
        COLUMNS('^(.+)_intake$') = 'op_orde' AS 'n_\1_intake_op_orde',
        COLUMNS('^(.+)_intake$') = 'niet_op_orde' AS 'n_\1_intake_niet_op_orde',
        id_bewijs_intake = 'niet_op_orde' AND id_bewijs_release = 'op_orde'
            AS n_id_bewijs_improved,
        id_bewijs_intake = 'niet_op_orde' AND id_bewijs_release <> 'onbekend'
            AS n_id_bewijs_intake_niet_known,
        onderdak_intake = 'niet_op_orde' AND onderdak_release = 'op_orde'
            AS n_onderdak_improved,
        onderdak_intake = 'niet_op_orde' AND onderdak_release <> 'onbekend'
            AS n_onderdak_intake_niet_known,
        werk_inkomen_intake = 'niet_op_orde' AND werk_inkomen_release = 'op_orde'
            AS n_werk_inkomen_improved,
        werk_inkomen_intake = 'niet_op_orde' AND werk_inkomen_release <> 'onbekend'
            AS n_werk_inkomen_intake_niet_known,
        schulden_intake = 'niet_op_orde' AND schulden_release = 'op_orde'
            AS n_schulden_improved,
        schulden_intake = 'niet_op_orde' AND schulden_release <> 'onbekend'
            AS n_schulden_intake_niet_known,
        zorg_intake = 'niet_op_orde' AND zorg_release = 'op_orde'
            AS n_zorg_improved,
        zorg_intake = 'niet_op_orde' AND zorg_release <> 'onbekend'
            AS n_zorg_intake_niet_known,
        sociaal_netwerk_intake = 'niet_op_orde' AND sociaal_netwerk_release = 'op_orde'
            AS n_sociaal_netwerk_improved,
        sociaal_netwerk_intake = 'niet_op_orde' AND sociaal_netwerk_release <> 'onbekend'
            AS n_sociaal_netwerk_intake_niet_known,
        alle_intake = 'niet_op_orde' AND alle_release = 'op_orde'
            AS n_alle_improved,
        alle_intake = 'niet_op_orde' AND alle_release <> 'onbekend'
            AS n_alle_intake_niet_known
    FROM statuses
)
SELECT * FROM counted('flags')
