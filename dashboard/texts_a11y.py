"""The dashboard's UI strings of accessibility, in Dutch, for translators: the text
alternatives of charts (dashboard/alt_text.py) and the toegankelijkheidsverklaring (page
Toegankelijkheid)."""

from __future__ import annotations

ALT_CHART = "Grafiek"
ALT_PREFIX = "Tekstalternatief voor de grafiek «{title}»:"
ALT_EMPTY = "De grafiek «{title}» heeft geen waarden die getoond mogen worden."
ALT_ONE = "{name}: {y} in {x}."
ALT_SERIES = "{name}: {y} in {x}, {direction} (in {x_first}: {y_first})."
ALT_UP = "hoger dan aan het begin"
ALT_DOWN = "lager dan aan het begin"
ALT_SAME = "gelijk aan het begin"
ALT_RANKING = (
    "van de {n} getoonde eenheden is de hoogste {high} ({high_value}) en de laagste {low} "
    "({low_value})."
)
ALT_MORE = "En nog {n} andere reeksen: zie de tabel onder de grafiek."
ALT_TABLE_HINT = "De tabel met alle waarden staat direct hieronder (Tabel en downloads)."
