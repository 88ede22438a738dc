"""The dashboard's UI strings of accessibility, in Dutch, for translators: the text
alternatives of charts (dashboard/alt_text.py) and the toegankelijkheidsverklaring (page
Toegankelijkheid)."""

from __future__ import annotations

ALT_CHART = "Grafiek"
ALT_PREFIX = "Tekstalternatief voor de grafiek «{title}»:"
ALT_EMPTY = "De grafiek «{title}» heeft geen waarden die getoond mogen worden."
ALT_ONE = "{name}: {y} {at}."
ALT_SERIES = "{name}: {y} {at}, {direction} ({at_first}: {y_first})."
# Where a value lies on the x axis: a year or a category, or a number on an axis with a title
# (the days after release of a survival curve: "bij 1.095 dagen na uitstroom").
ALT_AT = "in {x}"
ALT_AT_NUMBER = "bij {x} {axis}"
ALT_UP = "hoger dan aan het begin"
ALT_DOWN = "lager dan aan het begin"
ALT_SAME = "gelijk aan het begin"
ALT_RANKING = (
    "van de {n} getoonde waarden is de hoogste {high} ({high_value}) en de laagste {low} "
    "({low_value})."
)
# A bar chart of a few categories (at most alt_text.LISTED; the effect evaluation's two
# windows): every category's value, never a trend.
ALT_VALUES = "{name}: {items}."
ALT_VALUE = "{label} {value}"
# A chart of values per category along the y axis (the odds ratios per factor): the value
# axis's title, then each category's values per series.
ALT_CATEGORIES = "{axis}. {items}"
ALT_CATEGORY = "{label}: {values}."
# A chart of periods per unit (Datakwaliteit: each supplier's latest delivery): few are
# listed, of many the earliest and the latest end.
ALT_PERIOD = "{label} {start} tot en met {end}"
ALT_PERIODS = (
    "van de {n} getoonde perioden eindigt de vroegste bij {low} ({low_end}) en de laatste bij "
    "{high} ({high_end})."
)
ALT_MORE = "En nog {n} andere reeksen: zie de tabel onder de grafiek."
ALT_TABLE_HINT = "De tabel met alle waarden staat direct hieronder (Tabel en downloads)."

PAGE_LINK = "Toegankelijkheid"
VERKLARING = """
**Toegankelijkheidsverklaring van de Terugkeermonitor** (volgens het model van
digitoegankelijk.nl). De organisatie die de Terugkeermonitor aanbiedt wil dat iedereen hem kan
gebruiken, ook met een beperking. De overheid moet voldoen aan de norm EN 301 549, gelijk aan
WCAG 2.1 niveau A en AA (Tijdelijk besluit digitale toegankelijkheid overheid).

**Status: C — eerste maatregelen genomen.** Status A of B vraagt een onderzoek van de hele
toepassing door een onafhankelijke deskundige; dat is nog niet gedaan. Wel is het volgende
gedaan, bij elke wijziging opnieuw (geautomatiseerde tests van de Terugkeermonitor):

- **Automatische controle** met axe-core 4.12 (de regels van WCAG 2.0 en 2.1, niveau A en AA)
  op elke pagina, voor elke rol (lezer, gemeente, aanleverancier, beheerder), op de
  inlogpagina, met filters en een geopende tabel, en in de toestanden "gesloten" (geen
  inlog ingesteld) en "nog geen gegevens": geen overtredingen.
- **Toetsenbord**: een taak alleen met het toetsenbord (met Tab naar het gemeentefilter, een
  gemeente kiezen, naar Recidive, de tabel onder de eerste grafiek openen en als CSV
  downloaden), met zichtbare focus bij elke stap.
- **Vergroting en smalle schermen**: bij 320 pixels breed (400% zoom) schuift de tekst niet
  zijwaarts; tabellen en grafieken kunnen binnen zichzelf schuiven.
- **Taal**: elke pagina zegt dat zij Nederlands is (`lang="nl"`).
- **Grafieken** hebben een tekstalternatief direct onder de grafiek (wat de grafiek toont, de
  laatste waarde en de richting per reeks; bij een staafdiagram van categorieën elke waarde,
  of bij veel categorieën de hoogste en de laagste), gemaakt uit dezelfde tabel als de grafiek; de tabel zelf staat direct daarna
  (Tabel en downloads), te openen met Enter.

Nog **niet** gedaan: controle met een schermlezer (NVDA, JAWS, VoiceOver) door een ervaringsdeskundige.

**Wat nog niet (zeker) voldoet**

- De grafieken zelf (Plotly) zijn niet met het toetsenbord te doorlopen (WCAG 2.1.1): gebruik het
  tekstalternatief en de tabel onder elke grafiek, die dezelfde cijfers bevatten.
- Zonder inlog, op de eigen computer (`terugkeer dashboard`), zegt de pagina pas dat zij
  Nederlands is zodra zij geladen is; Streamlit levert de lege pagina met `lang="en"`. Achter
  de proxy van een installatie (deploy/) komt de pagina meteen met `lang="nl"`.
- Uitzonderingen op de automatische regels: {exceptions}

**Een probleem melden.** Loopt u tegen een probleem aan, of is iets niet toegankelijk? Meld het
bij de beheerder van de Terugkeermonitor in uw organisatie. Vermeld de pagina, wat u probeerde
en welk hulpmiddel u gebruikt. U krijgt binnen vijf werkdagen antwoord. Komt u er samen niet
uit, dan kunt u zich wenden tot de Nationale ombudsman.

Deze verklaring is opgesteld op 6 december 2026 en wordt bij elke nieuwe versie herzien.
"""
NO_EXCEPTIONS = "geen."
