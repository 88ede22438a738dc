-- Grain: release year x PI x municipality x sex x age band; per leefgebied (six + 'alle'):
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Rule: meetregels Leefgebieden op orde bij uitstroom: counts op orde, niet op orde, onbekend
-- at release, and for verbeterd tijdens detentie: intake niet op orde -> release op orde, and
-- intake niet op orde with a known release status; the status counts at intake too. One
-- column set per leefgebied (wide: n_<leefgebied>_<count>), so the mart has one row per cell,
-- like mart_process. A count of one status is written once for every leefgebied (COLUMNS);
-- a count of intake and release together once per leefgebied.
WITH statuses AS (
    SELECT release_year, pi_code, gemeente_code, provincie, sex, age_band,
        COLUMNS(lambda c: (c LIKE '%_intake' OR c LIKE '%_release') AND c <> 'age_at_release')
    FROM core_releases
)
SELECT
    release_year, pi_code, gemeente_code, provincie, sex, age_band,
    count(*) AS n_releases,
    CAST(count_if(COLUMNS('^(.+)_release$') = 'op_orde') AS BIGINT) AS 'n_\1_op_orde',
    CAST(count_if(COLUMNS('^(.+)_release$') = 'niet_op_orde') AS BIGINT) AS 'n_\1_niet_op_orde',
    CAST(count_if(COLUMNS('^(.+)_release$') = 'onbekend') AS BIGINT) AS 'n_\1_onbekend',
    CAST(count_if(COLUMNS('^(.+)_intake$') = 'op_orde') AS BIGINT) AS 'n_\1_intake_op_orde',
    CAST(count_if(COLUMNS('^(.+)_intake$') = 'niet_op_orde') AS BIGINT)
        AS 'n_\1_intake_niet_op_orde',
    count(*) FILTER (
        WHERE id_bewijs_intake = 'niet_op_orde' AND id_bewijs_release = 'op_orde'
    ) AS n_id_bewijs_improved,
    count(*) FILTER (
        WHERE id_bewijs_intake = 'niet_op_orde' AND id_bewijs_release <> 'onbekend'
    ) AS n_id_bewijs_intake_niet_known,
    count(*) FILTER (
        WHERE onderdak_intake = 'niet_op_orde' AND onderdak_release = 'op_orde'
    ) AS n_onderdak_improved,
    count(*) FILTER (
        WHERE onderdak_intake = 'niet_op_orde' AND onderdak_release <> 'onbekend'
    ) AS n_onderdak_intake_niet_known,
    count(*) FILTER (
        WHERE werk_inkomen_intake = 'niet_op_orde' AND werk_inkomen_release = 'op_orde'
    ) AS n_werk_inkomen_improved,
    count(*) FILTER (
        WHERE werk_inkomen_intake = 'niet_op_orde' AND werk_inkomen_release <> 'onbekend'
    ) AS n_werk_inkomen_intake_niet_known,
    count(*) FILTER (
        WHERE schulden_intake = 'niet_op_orde' AND schulden_release = 'op_orde'
    ) AS n_schulden_improved,
    count(*) FILTER (
        WHERE schulden_intake = 'niet_op_orde' AND schulden_release <> 'onbekend'
    ) AS n_schulden_intake_niet_known,
    count(*) FILTER (
        WHERE zorg_intake = 'niet_op_orde' AND zorg_release = 'op_orde'
    ) AS n_zorg_improved,
    count(*) FILTER (
        WHERE zorg_intake = 'niet_op_orde' AND zorg_release <> 'onbekend'
    ) AS n_zorg_intake_niet_known,
    count(*) FILTER (
        WHERE sociaal_netwerk_intake = 'niet_op_orde' AND sociaal_netwerk_release = 'op_orde'
    ) AS n_sociaal_netwerk_improved,
    count(*) FILTER (
        WHERE sociaal_netwerk_intake = 'niet_op_orde' AND sociaal_netwerk_release <> 'onbekend'
    ) AS n_sociaal_netwerk_intake_niet_known,
    count(*) FILTER (
        WHERE alle_intake = 'niet_op_orde' AND alle_release = 'op_orde'
    ) AS n_alle_improved,
    count(*) FILTER (
        WHERE alle_intake = 'niet_op_orde' AND alle_release <> 'onbekend'
    ) AS n_alle_intake_niet_known
FROM statuses
GROUP BY ALL
