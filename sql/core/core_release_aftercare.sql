-- Grain: one release, with what the nazorg-exports of its municipality say about it.
-- Key: release_id
-- Partition: bucket
-- Rule: meetregels Proces, in beeld bij de gemeente: the municipality the release returns to
-- delivers nazorg-exports, and has a trajectory of the person notified no later than the
-- release date (in beeld), with a municipal casemanager (casemanager). Apart from
-- core_releases so that a nazorg delivery leaves core_releases, and the marts made from it
-- alone, unchanged (the build keeps what did not change: store/build.py).
WITH known AS (
    SELECT r.release_id, r.bucket, r.gemeente_code,
           bool_or(COALESCE(t.case_manager = 'ja', false)) AS has_case_manager
    FROM core_releases AS r
    JOIN stg_gemeente_trajectories AS t
      ON t.bucket = r.bucket AND t.pseudoniem = r.pseudoniem
     AND t.gemeente_code = r.gemeente_code
     AND t.notice_date <= r.release_date
    GROUP BY r.release_id, r.bucket, r.gemeente_code
)
SELECT
    r.release_id,
    r.bucket,
    r.gemeente_code,
    r.gemeente_code IN (SELECT gemeente_code FROM core_nazorg_gemeenten) AS gemeente_delivers_nazorg,
    k.release_id IS NOT NULL AS known_to_gemeente,
    COALESCE(k.has_case_manager, false) AS has_case_manager
FROM core_releases AS r
LEFT JOIN known AS k USING (release_id, bucket, gemeente_code)
