-- Grain: one release, with what the probation exports say about it.
-- Key: release_id
-- Partition: bucket
-- Rule: meetregels Proces: covered (the release month lies in the reclassering coverage);
-- onder toezicht na uitstroom (a toezicht with startdatum <= uitstroomdatum + 30 days and
-- einddatum empty or >= uitstroomdatum; its kader, the earliest such supervision's); the
-- reclassering bij TBO (a trajectory with betrokken_bij_tbo = ja running on the tbo_datum).
WITH supervision AS (
    SELECT r.release_id, r.bucket,
           arg_min(t.frame, t.start_date) AS frame
    FROM core_releases AS r
    JOIN stg_reclassering_trajectories AS t
      ON t.bucket = r.bucket AND t.pseudoniem = r.pseudoniem AND t.kind = 'toezicht'
     AND t.start_date <= r.release_date + 30
     AND (t.end_date IS NULL OR t.end_date >= r.release_date)
    GROUP BY r.release_id, r.bucket
),
at_tbo AS (
    SELECT DISTINCT r.release_id, r.bucket
    FROM core_releases AS r
    JOIN stg_reclassering_trajectories AS t
      ON t.bucket = r.bucket AND t.pseudoniem = r.pseudoniem AND t.at_tbo = 'ja'
     AND t.start_date <= r.tbo_date AND (t.end_date IS NULL OR t.end_date >= r.tbo_date)
)
SELECT
    r.release_id,
    r.bucket,
    COALESCE(last_day(r.release_date) < c.covered_until, false) AS covered,
    s.release_id IS NOT NULL AS supervised,
    s.frame AS supervision_frame,
    a.release_id IS NOT NULL AS probation_at_tbo
FROM core_releases AS r
CROSS JOIN core_probation_coverage AS c
LEFT JOIN supervision AS s USING (release_id, bucket)
LEFT JOIN at_tbo AS a USING (release_id, bucket)
