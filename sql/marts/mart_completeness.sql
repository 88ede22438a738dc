-- Grain: release year x PI x municipality x sex x age band.
-- Key: release_year, pi_code, gemeente_code, sex, age_band
-- Rule: meetregels Leefgebieden (% onbekend) extended to every field a figure depends on:
-- releases whose field is empty or 'onbekend', for the data-quality page.
SELECT
    release_year, pi_code, gemeente_code, provincie, sex, age_band,
    count(*) AS n_releases,
    count(*) FILTER (WHERE gemeente_code = 'onbekend') AS n_missing_gemeente,
    count(*) FILTER (WHERE reintegration_plan IS NULL OR reintegration_plan NOT IN ('ja', 'nee'))
        AS n_missing_reintegration_plan,
    count(*) FILTER (WHERE notice_date IS NULL) AS n_missing_notice_date,
    count(*) FILTER (WHERE tbo_date IS NULL) AS n_missing_tbo_date,
    count(*) FILTER (WHERE id_bewijs_intake = 'onbekend') AS n_missing_id_bewijs_intake,
    count(*) FILTER (WHERE onderdak_intake = 'onbekend') AS n_missing_onderdak_intake,
    count(*) FILTER (WHERE werk_inkomen_intake = 'onbekend') AS n_missing_werk_inkomen_intake,
    count(*) FILTER (WHERE schulden_intake = 'onbekend') AS n_missing_schulden_intake,
    count(*) FILTER (WHERE zorg_intake = 'onbekend') AS n_missing_zorg_intake,
    count(*) FILTER (WHERE sociaal_netwerk_intake = 'onbekend') AS n_missing_sociaal_netwerk_intake,
    count(*) FILTER (WHERE id_bewijs_release = 'onbekend') AS n_missing_id_bewijs_release,
    count(*) FILTER (WHERE onderdak_release = 'onbekend') AS n_missing_onderdak_release,
    count(*) FILTER (WHERE werk_inkomen_release = 'onbekend') AS n_missing_werk_inkomen_release,
    count(*) FILTER (WHERE schulden_release = 'onbekend') AS n_missing_schulden_release,
    count(*) FILTER (WHERE zorg_release = 'onbekend') AS n_missing_zorg_release,
    count(*) FILTER (WHERE sociaal_netwerk_release = 'onbekend')
        AS n_missing_sociaal_netwerk_release
FROM core_releases
GROUP BY ALL
