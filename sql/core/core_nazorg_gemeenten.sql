-- Grain: one municipality that delivers nazorg-exports.
-- Key: gemeente_code
-- Rule: meetregels Proces, in beeld bij de gemeente: only municipalities that deliver
-- nazorg-exports count. Apart from core_release_aftercare, which applies it to all releases
-- to a municipality: a municipality's next export leaves it as it is, and core_release_aftercare
-- is then rebuilt only for the persons the export names.
SELECT DISTINCT gemeente_code FROM stg_gemeente_trajectories
