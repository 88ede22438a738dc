-- Grain: year x municipality x PI x leefgebied, from the nazorg-exports.
-- Key: year, gemeente_code, pi_code, leefgebied
-- Additive: n_trajectories
-- Rule: meetregels Proces, % op orde na 3 maanden (status classes as for readiness); the year
-- is that of the release date the municipality knows, else of its notification. The PI is
-- that of the release with the same person and release date (null when none is known).
-- Each count n_<x> comes with ck_<x>, the sum of its records' keys (cell-key method).
WITH long AS (
    UNPIVOT (
        SELECT year(COALESCE(t.release_date, t.notice_date)) AS year, t.gemeente_code,
               COALESCE(g.provincie, 'onbekend') AS provincie, r.pi_code, t.case_manager,
               readiness(id_bewijs_3mnd) AS id_bewijs, readiness(onderdak_3mnd) AS onderdak,
               readiness(werk_inkomen_3mnd) AS werk_inkomen, readiness(schulden_3mnd) AS schulden,
               readiness(zorg_3mnd) AS zorg, readiness(sociaal_netwerk_3mnd) AS sociaal_netwerk,
               record_key(t.pseudoniem || '|' || t.gemeente_code || '|' || t.notice_date)
                   AS record_key
        FROM stg_gemeente_trajectories AS t
        LEFT JOIN ref_gemeenten AS g USING (gemeente_code)
        LEFT JOIN (
            SELECT pseudoniem, release_date, any_value(pi_code) AS pi_code
            FROM core_releases
            GROUP BY ALL
        ) AS r ON r.pseudoniem = t.pseudoniem AND r.release_date = t.release_date
    )
    ON id_bewijs, onderdak, werk_inkomen, schulden, zorg, sociaal_netwerk
    INTO NAME leefgebied VALUE status
),
flags AS (
    SELECT
        year, gemeente_code, provincie, pi_code, leefgebied, record_key,
        true AS n_trajectories,
        status = 'op_orde' AS n_op_orde,
        status = 'niet_op_orde' AS n_niet_op_orde,
        status = 'onbekend' AS n_onbekend,
        case_manager = 'ja' AS n_case_manager
    FROM long
)
SELECT * FROM counted('flags')
