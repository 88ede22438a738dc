"""Over de cijfers: how every figure protects people (suppression and the cell-key noise),
with the perturbation table in force and what it does to a percentage (docs/cellkey.md)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import texts
from dashboard.context import current
from published import reader, rules
from published.format import nl_number
from store.cellkey import PTable, rate_error

ctx = current()
t = ctx.threshold
st.title(texts.PAGES["toelichting"])
table = reader.noise_table()
d = table.max_noise if table else 0
st.markdown(rules.CELL_KEY_PAGE.format(suppression=rules.SUPPRESSION.format(t=t), d=d, t=t))


def _ptable_frame(table: PTable) -> pl.DataFrame:
    """One row per original count (0, the small ones, then each row of the table), one column
    per noise, in percent."""
    noises = range(-table.max_noise, table.max_noise + 1)
    rows = [
        (texts.CELL_KEY_SMALL.format(t=t) if c == 1 else str(c), {0: 1.0})
        for c in (0, 1)
        if c < table.rows[0].count
    ]
    for i, row in enumerate(table.rows):
        label = str(row.count)
        if i == len(table.rows) - 1:
            label = texts.CELL_KEY_LAST.format(c=row.count)
        rows.append((label, dict(zip(row.noises, row.probabilities, strict=True))))
    return pl.DataFrame(
        {
            texts.CELL_KEY_COUNT: [label for label, _ in rows],
            **{
                texts.CELL_KEY_NOISE.format(d=n): [
                    f"{nl_number(100 * p[n], 1)}%" if n in p else "" for _, p in rows
                ]
                for n in noises
            },
        }
    )


if table is None or not table.rows:
    st.info(rules.CELL_KEY_OFF)
else:
    st.subheader(rules.CELL_KEY_TABLE_TITLE)
    st.dataframe(_ptable_frame(table), hide_index=True)
    small, large = (100, 50), (30_000, 15_000)
    (max_small, sd_small), (max_large, _) = (rate_error(table, n, k) for n, k in (small, large))
    st.markdown(
        rules.CELL_KEY_EFFECT.format(
            n_small=nl_number(small[0], 0),
            max_small=nl_number(max_small, 1),
            sd_small=nl_number(sd_small, 1),
            n_large=nl_number(large[0], 0),
            max_large=nl_number(max_large, 2),
        )
    )
st.caption(rules.CELL_KEY_NOT)
