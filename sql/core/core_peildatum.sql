-- Grain: one row: the peildatum of the recidivism data (null when none is loaded).
-- Key: (one row)
-- Rule: meetregels Recidive, Peildatum = the latest peildatum of the recidive exports loaded.
SELECT max(peildatum) AS peildatum FROM stg_recidive_cases
