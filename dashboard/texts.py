"""Every UI string of the dashboard, in Dutch, in one place for translators.

Code names (leefgebied codes, rule codes, column names) map to labels here; pages never
spell a Dutch sentence themselves.
"""

from __future__ import annotations

APP_TITLE = "Terugkeermonitor"
ALL = "Alle"


# --- navigation -----------------------------------------------------------------------------
PAGES = {
    "beheer": "Beheer",
    "overzicht": "Overzicht",
    "uitstroom": "Uitstroom",
    "leefgebieden": "Leefgebieden",
    "recidive": "Recidive",
    "vergelijken": "Vergelijken",
    "succesfactoren": "Succesfactoren",
    "effectmeting": "Effectmeting",
    "gemeenteprofiel": "Gemeenteprofiel",
    "inrichtingsprofiel": "Inrichtingsprofiel",
    "zelfscan": "Zelfscan",
    "toelichting": "Over de cijfers",
    "datakwaliteit": "Datakwaliteit",
    "aanleveren": "Gegevens aanleveren",
    "toegankelijkheid": "Toegankelijkheid",
}
NAV_FIGURES = "Cijfers"
NAV_ABOUT = "Over deze site"
CELL_KEY_COUNT = "Oorspronkelijk aantal"
CELL_KEY_NOISE = "{d:+d}"
CELL_KEY_SMALL = "1 tot {t} (staat er als <{t})"
CELL_KEY_LAST = "{c} of meer"
NAV_ANALYSIS = "Analyse"
NAV_DATA = "Gegevens"

# --- sidebar filters ------------------------------------------------------------------------
FILTERS_HEADER = "Filters"
FILTERS_HELP = (
    "De filters gelden voor alle pagina's en staan in de link: deel de link om dit beeld te delen."
)
FILTER_PERIOD = "Periode (jaar van uitstroom of cohort)"
FILTER_PI = "Penitentiaire inrichting"
FILTER_GEMEENTE = "Gemeente van terugkeer"
FILTER_PROVINCIE = "Provincie"
FILTER_SEX = "Geslacht"
FILTER_AGE = "Leeftijdsklasse"
FILTER_RESET = "Filters wissen"
FILTER_PLACEHOLDER = "Alle"
FILTER_IGNORED = "Onbekende waarden in de link zijn genegeerd (bij: {names})."

# --- status and banners ---------------------------------------------------------------------
SYNTHETIC_BANNER = (
    "**Let op: synthetische gegevens.** Deze cijfers komen uit gegenereerde demonstratiedata, "
    "niet uit echte aanleveringen. Citeer ze niet."
)
MIXED_SYNTHETIC_BANNER = (
    "**Let op:** een deel van de geladen bestanden bevat synthetische (gegenereerde) gegevens."
)
DATA_STATUS = (
    "Peildatum recidive: {peildatum} · laatste aanlevering PI's: {export} · geladen: {loaded} "
    "· gepubliceerd: {published} (versie {version})"
)
LOADING_NOW = (
    "Er worden nu nieuwe gegevens geladen (sinds {since}). U ziet de publicatie van "
    "{published}; de nieuwe verschijnt vanzelf zodra het laden klaar is."
)
OUTDATED_TITLE = "De cijfers worden opnieuw opgebouwd"
OUTDATED_BODY = (
    "De Terugkeermonitor is bijgewerkt en de gepubliceerde cijfers zijn nog met de vorige "
    "versie gemaakt. Ze worden opnieuw opgebouwd bij de volgende lading of met "
    "`terugkeer build --warehouse {path}`; `terugkeer dashboard` doet dat bij het starten."
)
UNPUBLISHED_BODY = (
    "Het datapakhuis `{path}` bestaat, maar er is nog niets uit gepubliceerd (bijvoorbeeld "
    "omdat het laden werd onderbroken). Draai `terugkeer build --warehouse {path}` of "
    "herstart het dashboard met `terugkeer dashboard`: dat maakt het werk af."
)
NO_PEILDATUM = "nog geen recidivegegevens"
EMPTY_TITLE = "Er zijn nog geen gegevens geladen"
EMPTY_BODY = """Het datapakhuis is leeg. Zo laadt u gegevens:

1. **Via deze website:** open de pagina *Gegevens aanleveren* en upload de exportbestanden van
   de PI's, gemeenten of de recidivegegevens.
2. **Via de opdrachtregel:** `terugkeer ingest <map met exportbestanden>`.
3. **Om te proberen:** `make run` maakt synthetische demonstratiedata en laadt die.
"""
MISSING_BODY = "Er is nog geen datapakhuis op `{path}`. " + EMPTY_BODY.split("\n", 1)[1]
BROKEN_TITLE = "Het datapakhuis kan niet worden gelezen"
BROKEN_BODY = (
    "Het bestand `{path}` is geen leesbaar datapakhuis van de Terugkeermonitor (het is "
    "beschadigd of van een ander programma). Er is niets gewijzigd. Vraag de beheerder het "
    "opnieuw op te bouwen met `terugkeer ingest` en `terugkeer build`."
)
BUSY_TITLE = "Er worden op dit moment gegevens geladen"
BUSY_BODY = "Het datapakhuis wordt bijgewerkt. Probeer het over een minuut opnieuw."
NO_DATA_IN_SCOPE = "Er zijn geen gegevens voor deze selectie. Verruim de filters in de zijbalk."

# --- shared chart furniture -----------------------------------------------------------------
TOELICHTING = "Toelichting"
TABLE = "Tabel bij de grafiek"
DOWNLOAD_CSV = "Download CSV"
DOWNLOAD_XLSX = "Download Excel"
XLSX_SHEET_DATA = "Gegevens"
XLSX_SHEET_NOTE = "Toelichting"
XLSX_NOTE_ROWS = (
    ("Bron", "Terugkeermonitor"),
    ("Onderwerp", "{title}"),
    ("Selectie", "{filters}"),
    ("Peildatum recidive", "{peildatum}"),
    ("Gemaakt op", "{made}"),
    ("Definitie", "{rule}"),
    ("Onthulling", "{suppression}"),
)
FILTER_ALL_YEARS = "alle jaren"
SYNTHETIC_NOTE = "synthetische demonstratiedata"

WITHDRAW_HEADER = "Een levering intrekken"
WITHDRAW_INTRO = (
    "Trek een verkeerd aangeleverd bestand in: de rijen ervan verdwijnen uit het datapakhuis, "
    "het logboek bewaart wie het deed, wanneer en waarom, en de cijfers worden opnieuw berekend "
    "en gepubliceerd. Was het een correctie, dan komt de toestand van daarvoor terug."
)
WITHDRAW_CHOOSE = "Levering"
WITHDRAW_REASON = "Reden (verplicht)"
WITHDRAW_CONFIRM = "Ik weet zeker dat ik deze levering wil intrekken"
WITHDRAW_BUTTON = "Intrekken"
WITHDRAW_DONE = "Levering {id} ({file}) is ingetrokken; de cijfers zijn opnieuw gepubliceerd."
WITHDRAW_FAILED = "Intrekken is niet gelukt: {detail}"
WITHDRAW_NONE = "Er zijn geen geladen leveringen om in te trekken."


# --- page texts -----------------------------------------------------------------------------
OVERVIEW_INTRO = (
    "Hoe keren ex-gedetineerden terug in de samenleving? Kerncijfers over het laatste volledige "
    "jaar in de selectie; de grafieken onder Verloop tonen hoe het zich over de jaren ontwikkelde."
)
TILE_OUTFLOW = "Uitstroom {year}"
TILE_READY = "Basisvoorwaarden op orde ({year})"
TILE_RECID_1Y = "Recidive 1 jaar (cohort {year})"
TILE_RECID_2Y = "Recidive 2 jaar (cohort {year})"
TILE_DELTA = "{delta} t.o.v. {year}"
TILE_INTERVAL = "95%-interval {interval}"
TILE_NOT_AVAILABLE = "nog niet beschikbaar"
TILE_HELP_OUTFLOW = "Aantal uitstromen uit een PI in het jaar (overplaatsingen niet meegeteld)."
TILE_HELP_READY = (
    "Uitstromen met alle zes leefgebieden op orde, van de uitstromen met bekende status."
)
TILE_HELP_RECID = "Het laatste cohort dat volledig gevolgd is tot de peildatum."
OVERVIEW_TRENDS = "Verloop"
OPEN_DATA = "Open data"
OPEN_DATA_INTRO = (
    "Alle gepubliceerde tabellen, landelijk, als CSV en Parquet voor R, Python of Excel, met "
    "één metadatabestand (titel, eenheid, meetregel, peildatum, onderdrukking, kolommen en de "
    "legenda van lege vakken). Dezelfde cijfers als op deze pagina's; de filters in de zijbalk "
    "gelden hier niet."
)
OPEN_DATA_DOWNLOAD = "Download open data (zip)"
TREND_OUTFLOW = "Uitstroom per jaar"
TREND_READY = "% alle basisvoorwaarden op orde"
TREND_RECID = "Recidive binnen 2 jaar (%)"
COMPLETE_YEARS_NOTE = (
    "Alleen volledige jaren: de laatste PI-export is van {export}, dus {year} is het laatste "
    "jaar met alle uitstroom."
)

OUTFLOW_INTRO = "Hoeveel mensen verlaten de inrichtingen, wanneer, en waarheen keren ze terug?"
OUTFLOW_PERIOD = "Per"
OUTFLOW_SPLIT = "Uitsplitsen naar"
OUTFLOW_CHART = "Uitstroom per {period}"
OUTFLOW_TOP = "Gemeenten met de meeste terugkeer"
OUTFLOW_TOP_CHART = "Top {n} gemeenten van terugkeer"
OUTFLOW_Y = "Aantal uitstromen"

READINESS_INTRO = (
    "Zijn de basisvoorwaarden op orde als iemand de inrichting verlaat? Per leefgebied het "
    "percentage op orde bij uitstroom, met het percentage onbekend ernaast."
)
READINESS_TREND = "% op orde bij uitstroom, per jaar"
READINESS_LATEST = "Op orde bij instroom en bij uitstroom"
READINESS_LATEST_CHART = "% op orde bij instroom en bij uitstroom ({period})"
READINESS_IMPROVED = "Verbeterd tijdens detentie ({period})"
READINESS_HEATMAP = "% op orde bij uitstroom per inrichting ({period})"
AT_INTAKE = "Bij instroom"
AT_RELEASE = "Bij uitstroom"
READINESS_Y = "% op orde"

RECID_INTRO = (
    "Hoeveel mensen plegen na hun vrijlating opnieuw een delict? Per cohort (jaar van "
    "uitstroom), met 95%-betrouwbaarheidsinterval. Cohorten zonder volledige opvolging staan er "
    "als *nog niet beschikbaar*, niet als daling."
)
RECID_SPLIT = "Uitsplitsen naar"
RECID_CHART = "Recidive binnen 1 en 2 jaar per cohort"
RECID_SPLIT_CHART = "Recidive binnen 2 jaar per cohort, naar {split}"
RECID_SEVERE_CHART = "Ernstige recidive binnen 1 en 2 jaar per cohort"
RECID_GROUPS_CHART = "Recidive binnen 2 jaar naar delictgroep van de eerste nieuwe zaak"
RECID_Y = "% recidive"
RECID_NOT_AVAILABLE_NOTE = "Nog niet beschikbaar (opvolging onvolledig): {years}."
SURVIVAL_HEADER = "Tijd tot recidive"
SURVIVAL_GROUP = "Curves per"
SURVIVAL_CHART = "Deel dat nog niet heeft gerecidiveerd (Kaplan–Meier)"
SURVIVAL_X = "Dagen na uitstroom"
SURVIVAL_Y = "% nog niet gerecidiveerd"
NO_RECIDIVE_DATA = (
    "Er zijn nog geen recidivegegevens geladen. Recidivecijfers bestaan pas als er een "
    "recidive-export (met peildatum) is aangeleverd."
)

QUALITY_INTRO = (
    "Hoe volledig en betrouwbaar zijn de gegevens? Alle aanleveringen, de rijen in quarantaine en "
    "het aandeel onbekende waarden per inrichting."
)
QUALITY_DELIVERIES = "Aanleveringen"
QUALITY_COVERAGE = "Wie leverde welke periode aan"
QUALITY_COVERAGE_CHART = "Periode per leverancier (laatste geladen aanlevering)"
QUALITY_QUARANTINE = "Rijen in quarantaine per regel en leverancier"
QUALITY_COMPLETENESS = "% onbekend per veld en inrichting"
QUALITY_NO_QUARANTINE = "Er staan geen rijen in quarantaine."
QUALITY_FILTER_NOTE = "De aanleveringen en quarantaine gelden voor alle gegevens; de filters gelden alleen voor het % onbekend."


UPLOAD_INTRO = (
    "Upload exportbestanden (CSV, Excel of Parquet) volgens het uitwisselformaat v1. Eerst "
    "worden ze gecontroleerd met dezelfde regels als `terugkeer ingest`; pas na uw bevestiging "
    "worden ze geladen. Een geweigerd bestand wordt niet bewaard."
)
UPLOAD_WIDGET = "Exportbestanden"
UPLOAD_SOURCE = "Soort export"
UPLOAD_SOURCE_AUTO = "Automatisch herkennen"
UPLOAD_CHECKING = "Bestanden controleren…"
UPLOAD_REPORT = "Controle"
UPLOAD_REFUSED = "**{file}** is geweigerd: {reason}"
UPLOAD_VALID = (
    "**{file}** ({source}): {read} rijen gelezen, {loaded} goed, {quarantined} in quarantaine, "
    "{duplicate} dubbel."
)
UPLOAD_UNCHANGED = "**{file}** is al eerder geladen; er verandert niets."
UPLOAD_IGNORED_COLUMNS = "Genegeerde kolommen (niet in het uitwisselformaat): {columns}"
UPLOAD_ERRORS_HEADER = "Eerste rijen met fouten (rijnummer zoals in het bestand)"
UPLOAD_ERROR_COUNTS = "Rijen met fouten per regel"
UPLOAD_ROW = "Rij"
UPLOAD_COLUMN = "Kolom"
UPLOAD_RULE = "Regel"
UPLOAD_CONFIRM = "Laad {n} goedgekeurde bestand(en)"
UPLOAD_NOTHING = "Er is niets te laden."
UPLOAD_LOADING = "Laden en cijfers bijwerken… (dit kan enkele minuten duren)"
UPLOAD_DONE = "Geladen: {files}. De cijfers zijn bijgewerkt."
UPLOAD_FAILED = (
    "Het laden is mislukt; er is niets gewijzigd. Probeer het opnieuw of vraag de beheerder. "
    "({detail})"
)
UPLOAD_BUSY = (
    "Er loopt al een andere lading en die werd niet op tijd klaar. Probeer het over een paar "
    "minuten opnieuw."
)
SCAN_NOT_YOURS = (
    "Uw account is niet aan een gemeente gekoppeld die in de Terugkeermonitor staat; vraag de "
    "beheerder om uw organisatie (GM-code) te controleren."
)
UPLOAD_OWN_ONLY = (
    "U levert aan namens {organisation}: een bestand met gegevens van een andere inrichting of "
    "gemeente wordt geweigerd."
)
UPLOAD_LOADING_NOW = (
    "Er worden op dit moment gegevens geladen (sinds {since}). U kunt bestanden controleren; "
    "als u ze laadt, wachten ze tot de lopende lading klaar is."
)
UPLOAD_QUARANTINE_NOTE = "Rijen in quarantaine worden niet geladen; de rest van het bestand wel."

REFUSAL_FALLBACK = "het bestand voldoet niet aan het uitwisselformaat"

# --- vergelijken ----------------------------------------------------------------------------
COMPARE_INTRO = (
    "Doet een gemeente of inrichting het beter of slechter dan vergelijkbare, en is het verschil "
    "echt of toeval? Kleine eenheden schommelen sterk: de trechter toont tot waar verschillen "
    "nog toeval kunnen zijn."
)
COMPARE_KIND = "Vergelijk"
COMPARE_KINDS = {"gemeente_code": "Gemeenten", "pi_code": "Inrichtingen"}
COMPARE_UNITS = "Kies één of meer"
COMPARE_MEASURE = "Maat"
COMPARE_PEERS = "Vergelijkingsgroep"
PEER_KINDS = {
    "provincie": "Gemeenten in dezelfde provincie",
    "grootte": "Gemeenten van vergelijkbare omvang (half tot dubbel zoveel inwoners)",
}
PEERS_PI = "Alle andere inrichtingen"
PEERS_LABEL = "Vergelijkingsgroep"
COMPARE_SCOPE_NOTE = (
    "De periode-, geslacht- en leeftijdsfilters gelden; het filter op {dimension} niet, want "
    "daarover gaat de vergelijking."
)
COMPARE_OVER_TIME = "{measure}: {units} naast Nederland en de vergelijkingsgroep"
COMPARE_FUNNEL = "Trechter: {measure} tegen de omvang"
FUNNEL_X = "Aantal ({unit})"
# A corrected rate's funnel stands on the expected count (Spiegelhalter 2005).
FUNNEL_X_EXPECTED = "Verwacht aantal recidivisten ({unit})"
FUNNEL_95 = "95%-grens"
FUNNEL_998 = "99,8%-grens"
FUNNEL_UNITS = "Overige eenheden"
FUNNEL_CHOSEN = "Gekozen"
FUNNEL_LABELS = {
    "95": FUNNEL_95,
    "998": FUNNEL_998,
    "units": FUNNEL_UNITS,
    "chosen": FUNNEL_CHOSEN,
    "e": "verwacht",
}
COMPARE_TABLE = "Alle eenheden"
COMPARE_SMALL = "{n} eenheden staan niet in de trechter: hun cijfer mag niet getoond worden (minder dan {t} personen of uitstromen, of minder dan {t} met of zonder de uitkomst). In de tabel staat bij hen –."

# --- succesfactoren -------------------------------------------------------------------------
FACTORS_INTRO = (
    "Welke basisvoorwaarden en processtappen gaan samen met minder recidive, en waar hapert de "
    "keten? Let op: dit zijn samenhangen, geen bewijs dat de factor de recidive veroorzaakt."
)
FACTORS_WINDOW = "Recidive binnen"
FACTORS_WINDOWS = {2: "2 jaar", 1: "1 jaar"}
FACTORS_FOREST = "Odds ratio van recidive binnen {window}: ruw en gecorrigeerd (landelijk)"
FACTORS_FOREST_X = "Odds ratio (log-schaal; < 1 = minder recidive)"
FACTORS_RAW = "Ruw"
FACTORS_ADJUSTED = "Gecorrigeerd"
FACTORS_WITH_WITHOUT = "Recidive binnen {window} met en zonder de factor (selectie)"
FACTORS_KM_CHOICE = "Tijd tot recidive voor"
FACTORS_KM_CHART = "Deel dat nog niet heeft gerecidiveerd: met en zonder {factor}"
FACTORS_PROCESS = "Procesindicatoren per inrichting"
FACTORS_PROBATION = "Reclassering: toezicht na uitstroom"
FACTORS_PROBATION_CHART = "Onder toezicht van de reclassering na uitstroom, per uitstroomjaar"
FACTORS_PROBATION_SERIES = "% onder toezicht"
FACTORS_ENDINGS_CHART = "Toezichten regulier afgerond, per jaar van beëindiging"
FACTORS_ENDINGS_SERIES = "% regulier afgerond"
PERCENT_AXIS = "%"
FACTORS_NO_MODEL = "Het model is nog niet geschat: er zijn geen cohorten met volledige opvolging."
PROCESS_HEATMAP = "Procesindicatoren per inrichting (%)"

# --- gemeenteprofiel ------------------------------------------------------------------------
PROFILE_INTRO = (
    "Alles over één gemeente op één pagina, naast Nederland en de gemeenten in dezelfde provincie. "
    "Afdrukken: Ctrl+P (de zijbalk en knoppen vallen dan weg)."
)
PROFILE_CHOOSE = "Gemeente"
PROFILE_FACTS = (
    "{name} · provincie {provincie} · {inwoners} inwoners (2019) · peildatum recidive {peildatum}"
)
PROFILE_OUTFLOW = "Uitstroom naar {name} per jaar"
PROFILE_READINESS = "% op orde bij uitstroom: {name}, provincie en Nederland"
PROFILE_RECIDIVISM = "Recidive binnen 2 jaar (gecorrigeerd): {name}, provincie en Nederland"
PROFILE_PROCESS = "Procesindicatoren: {name}, provincie en Nederland"
PROFILE_AFTERCARE = "% op orde 3 maanden na uitstroom: {name}"
PROFILE_NO_AFTERCARE = (
    "{name} levert (nog) geen nazorggegevens; er zijn geen cijfers over de situatie na 3 maanden."
)
PROFILE_DOWNLOAD = "Download alle cijfers van {name} (Excel)"
TILE_PROFILE_OUTFLOW = "Uitstroom naar de gemeente ({year})"
TILE_PROFILE_READY = "Alle basisvoorwaarden op orde"
TILE_PROFILE_RECID = "Recidive 2 jaar, gecorrigeerd"
TILE_PROFILE_IN_BEELD = "In beeld bij gemeente"
TILE_VS_NATIONAL = "Nederland {value}"
# --- inrichtingsprofiel ---------------------------------------------------------------------
PI_PROFILE_INTRO = (
    "Eén inrichting op één pagina, naast de andere inrichtingen en heel Nederland: uitstroom, "
    "basisvoorwaarden, processtappen, recidive (gecorrigeerd voor case-mix) en waar de mensen "
    "naartoe gaan. De periode, het geslacht en de leeftijd uit de zijbalk gelden; de filters op "
    "inrichting, gemeente en provincie niet (u kiest hier de inrichting). Afdrukken: Ctrl+P."
)
PI_PROFILE_CHOOSE = "Inrichting"
PI_PROFILE_FACTS = "**{name}** ({place}). Peildatum recidive: {peildatum}."
PI_PROFILE_OUTFLOW = "Uitstroom uit {name} per jaar"
PI_PROFILE_GEMEENTEN = "Waar de mensen uit {name} naartoe gaan (alle jaren in de selectie)"
PI_PROFILE_READINESS = "% op orde bij instroom en bij uitstroom: {name}"
PI_PROFILE_SIDE = "% op orde bij uitstroom: {name}, andere inrichtingen en Nederland"
PI_PROFILE_RECIDIVISM = (
    "Recidive binnen {k} jaar (gecorrigeerd): {name}, andere inrichtingen en Nederland"
)
PI_PROFILE_FUNNEL = "Recidive binnen {k} jaar (gecorrigeerd) per inrichting: trechter"
PI_PROFILE_POSITION = "Plaats in de trechter (recidive binnen {k} jaar): {position}"
PI_PROFILE_PROCESS = "Procesindicatoren: {name}, andere inrichtingen en Nederland"
PI_PROFILE_AFTERCARE = "% op orde 3 maanden na uitstroom, volgens de gemeenten: {name}"
PI_PROFILE_NO_AFTERCARE = (
    "Er zijn geen nazorggegevens van gemeenten over mensen uit {name} (niet geleverd)."
)
PI_PROFILE_DOWNLOAD = "Download alle cijfers van {name} (Excel)"
PI_PROFILE_REPORT = "Download het profiel als rapport (Word)"
PI_PROFILE_REPORT_TITLE = "Inrichtingsprofiel {name}"
TILE_PI_OUTFLOW = "Uitstroom ({year})"

# --- zelfscan -------------------------------------------------------------------------------
SCAN_INTRO = (
    "De zelfscan re-integratie ex-gedetineerden: beantwoord per thema hoe uw gemeente de "
    "terugkeer voorbereidt, en zie uw antwoorden naast de cijfers van uw eigen gemeente. De "
    "antwoorden worden direct bewaard; u kunt later verder of over een jaar opnieuw beginnen."
)
SCAN_GEMEENTE = "Gemeente"
SCAN_CHOOSE = "Scan"
SCAN_NEW = "Nieuwe scan beginnen"
SCAN_LABEL = "Scan van {date} ({n} van {total} beantwoord)"
SCAN_NONE = "Er is nog geen scan voor deze gemeente. Begin een nieuwe scan."
SCAN_PROGRESS = "{n} van {total} vragen beantwoord"
SCAN_THEME = "Thema"
SCAN_CHANGE = "Verschil (procentpunt)"
SCAN_ADVICE = "Advies: {advice}"
SCAN_UNANSWERED = "Nog niet beantwoord"
SCAN_SCORES = "Scores per thema"
SCAN_SCORES_CHART = "Score per thema (% van het maximum)"
SCAN_SCORE_Y = "Score"
SCAN_OVERALL = "Totaalscore"
SCAN_FIGURES = "Cijfers van {gemeente} bij dit thema"
SCAN_PRACTICES = "Voorbeelden uit het land bij thema's met ruimte voor groei"
SCAN_NO_PRACTICES = "Alle beantwoorde thema's scoren twee derde of hoger."
SCAN_COMPARE = "Vergeleken met de vorige scan ({date})"
SCAN_REPORT = "Download verslag (Word)"
SCAN_CONFIG_ERROR = "De vragenlijst van de zelfscan klopt niet en moet worden hersteld: {error}"
SCAN_PEERS = "Gemeenten in dezelfde provincie"
SCAN_MEASURE = "Cijfer"
SCAN_SAVED = "Bewaard om {time}"
