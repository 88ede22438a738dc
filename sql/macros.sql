-- Macros shared by the models; run before them by `terugkeer build`.
-- meetregels Leefgebieden: ja/nvt = op orde, nee = niet op orde, onbekend or empty = onbekend.
CREATE OR REPLACE MACRO readiness(status) AS
    CASE WHEN status IN ('ja', 'nvt') THEN 'op_orde'
         WHEN status = 'nee' THEN 'niet_op_orde'
         ELSE 'onbekend' END;
-- A leefgebied's status as a success factor (meetregels Proces, Succesfactoren): op orde
-- 'ja', niet op orde 'nee', onbekend left out (null).
CREATE OR REPLACE MACRO op_orde_ja(status) AS
    CASE status WHEN 'op_orde' THEN 'ja' WHEN 'niet_op_orde' THEN 'nee' END;
-- meetregels Uitstroom: age bands at release (release year - birth year).
CREATE OR REPLACE MACRO age_band(age) AS
    CASE WHEN age < 18 THEN '12-17' WHEN age < 23 THEN '18-22' WHEN age < 30 THEN '23-29'
         WHEN age < 40 THEN '30-39' WHEN age < 50 THEN '40-49' ELSE '50+' END;
-- meetregels Uitstroom: detention length bands in days.
CREATE OR REPLACE MACRO length_band(days) AS
    CASE WHEN days < 14 THEN '<14' WHEN days < 90 THEN '14-89' WHEN days < 365 THEN '90-364'
         ELSE '>=365' END;
-- meetregels Recidive: a cohort's k-year window has passed for everyone when 31 December of
-- cohort year + k lies on or before the peildatum (false while there is no peildatum).
CREATE OR REPLACE MACRO followed_up(cohort_year, k, peildatum) AS
    peildatum IS NOT NULL AND make_date(cohort_year + k, 12, 31) <= peildatum;
-- meetregels Recidive, time to re-offence, for a member released on or before the peildatum:
-- the days from release to the first counted case on or before the peildatum, or else to the
-- peildatum (censored there), cut at three years (1,095 days: the curves' follow-up); the
-- event: that case lies within those days.
CREATE OR REPLACE MACRO observed_days(release_date, first_offence_date, peildatum) AS
    least(1095, datediff('day', release_date,
        CASE WHEN first_offence_date <= peildatum THEN first_offence_date ELSE peildatum END));
CREATE OR REPLACE MACRO observed_event(release_date, first_offence_date, peildatum) AS
    first_offence_date IS NOT NULL AND first_offence_date <= peildatum
    AND datediff('day', release_date, first_offence_date) <= 1095;
-- Partitions (store/partitions.py): a person's bucket, one of 1,048,576 (2^20), from the
-- pseudonym alone, so that all rows of a person, in every table, lie in the same bucket (md5:
-- the same value in every DuckDB version, unlike hash()). So many that a bucket holds one or
-- two persons even at ten times national scale: a month's delivery rebuilds the rows of the
-- persons it names, not of a tenth of everyone (16,384 buckets at that scale: a PI's 1,300
-- episodes moved 1,275 buckets, 234,000 releases).
CREATE OR REPLACE MACRO person_bucket(pseudoniem) AS
    ('0x' || left(md5(pseudoniem), 5))::INTEGER;
-- contract, re-deliveries: the rows of a raw table from the deliveries that were loaded (not the
-- refused ones), each with its delivery's date; a staging model keeps the latest per key.
CREATE OR REPLACE MACRO loaded_rows(raw_table) AS TABLE
    SELECT r.*, d.delivery_date
    FROM query_table(raw_table) AS r
    JOIN deliveries AS d USING (delivery_id)
    WHERE d.status = 'loaded';
-- The cell-key method (docs/cellkey.md): a record's key, a fixed pseudo-random whole number in
-- [0, 2^32) from the store's secret and the record's identity (the same at every rebuild and
-- re-delivery of the record) ...
CREATE OR REPLACE MACRO record_key(identity) AS
    ('0x' || left(md5((SELECT secret FROM record_key_secret) || '|' || identity), 8))::UBIGINT;
-- ... and beside each count n_<x> of a mart, ck_<x>: the sum of the keys of the records it
-- counts (flag true), modulo 2^32, from which the reader draws the count's noise.
-- (Summed as DOUBLE, which is exact for whole numbers below 2^53, i.e. for any cell of fewer
-- than two million records, and half the time of a 128-bit integer sum.)
CREATE OR REPLACE MACRO count_true(flag) AS count(*) FILTER (WHERE flag);
CREATE OR REPLACE MACRO key_sum(flag, record_key) AS
    CAST(COALESCE(sum(CAST(record_key AS DOUBLE) * CAST(flag AS DOUBLE)), 0) % 4294967296
        AS BIGINT);
-- A counting mart: a CTE with one row per record, its cells' columns, its record_key and one
-- flag n_<x> per count; counted('<cte>') groups by every column but the flags and the key and
-- gives each count n_<x> with its key sum ck_<x>.
CREATE OR REPLACE MACRO counted(flags) AS TABLE
    SELECT
        COLUMNS(lambda c: NOT starts_with(c, 'n_') AND c <> 'record_key'),
        count_true(COLUMNS('^(n_.+)$')) AS '\1',
        key_sum(COLUMNS('^n_(.+)$'), record_key) AS 'ck_\1'
    FROM query_table(flags)
    GROUP BY ALL;
-- The counts of a counted() table summed over fewer columns: every column but the `dropped`
-- ones and the counts is kept, each n_<x> summed and each ck_<x> summed modulo 2^32.
CREATE OR REPLACE MACRO rolled_up(cells, dropped) AS TABLE
    SELECT
        COLUMNS(lambda c: NOT regexp_matches(c, '^(n|ck)_') AND NOT list_contains(dropped, c)),
        CAST(sum(COLUMNS('^(n_.+)$')) AS BIGINT) AS '\1',
        CAST(sum(COLUMNS('^(ck_.+)$')) % 4294967296 AS BIGINT) AS '\1'
    FROM query_table(cells)
    GROUP BY ALL;
