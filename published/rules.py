"""The rule texts (meetregels.md, in Dutch): how each published figure is computed, as the
Toelichting under every chart, the note sheet of every download and the metadata of the
exports say it. `{t}` is the suppression threshold."""

from __future__ import annotations

RULES = {
    "uitstroom": (
        "**Uitstroom** is het aantal uitstromen (episodes, geen personen) uit een PI in de "
        "periode: een verblijf met een uitstroomdatum en een reden anders dan *overplaatsing*. "
        "Een overplaatsing tussen inrichtingen telt niet als uitstroom. De periode is die van de "
        "uitstroomdatum; de leeftijd is uitstroomjaar min geboortejaar; de duur van detentie is "
        "uitstroomdatum min instroomdatum."
    ),
    "gemeenten": (
        "**Gemeente van terugkeer** is de gemeente die de PI bij uitstroom opgeeft "
        "(`gemeente_code`); zonder opgave telt de uitstroom als *onbekend*. Oude gemeentecodes "
        "zijn omgezet naar de huidige gemeente na herindeling."
    ),
    "readiness": (
        "**% op orde bij uitstroom** per leefgebied = uitstromen met status *ja* of *nvt* / "
        "uitstromen met *ja*, *nvt* of *nee* × 100. Onbekend telt niet mee in de noemer en staat "
        "ernaast als **% onbekend** = onbekend / alle uitstromen × 100. **Alle basisvoorwaarden "
        "op orde**: *ja* als alle zes op orde zijn, *nee* als er één niet op orde is, anders "
        "onbekend."
    ),
    "improved": (
        "**Verbeterd tijdens detentie**: uitstromen met status *nee* bij instroom en op orde bij "
        "uitstroom, als % van de uitstromen met *nee* bij instroom en een bekende status bij "
        "uitstroom. **% op orde bij instroom** volgt dezelfde regel als bij uitstroom."
    ),
    "readiness_pi": (
        "**% op orde bij uitstroom** per inrichting en leefgebied over de hele gekozen periode, "
        "met dezelfde regel als hierboven. Een vak zonder kleur heeft minder dan {t} uitstromen "
        "met een bekende status."
    ),
    "recidivism": (
        "**Cohort** van jaar J: iedere persoon met een uitstroom in J, één keer geteld, bij de "
        "eerste uitstroom in J. **Recidive binnen k jaar**: een nieuwe strafzaak met een "
        "pleegdatum na de uitstroom en uiterlijk k jaar erna (vrijspraken en technische sepots "
        "tellen niet). Het percentage wordt pas getoond als iedereen in het cohort k jaar is "
        "gevolgd (31 december van J + k ligt vóór de peildatum); daarvóór is het *nog niet "
        "beschikbaar*, nooit een voorlopig cijfer. Bij elk percentage staat het 95%-"
        "betrouwbaarheidsinterval (Wilson)."
    ),
    "severe": (
        "**Ernstige recidive**: hetzelfde als recidive, maar alleen zaken die als ernstig zijn "
        "aangemerkt (`ernstig` = ja)."
    ),
    "offence_groups": (
        "Personen die binnen twee jaar recidiveren, naar de **delictgroep van hun eerste nieuwe "
        "zaak**, als % van het hele cohort. Alleen cohorten met volledige opvolging van twee jaar."
    ),
    "survival": (
        "**Tijd tot recidive**: dagen van uitstroom tot de eerste nieuwe zaak. Wie (nog) geen "
        "nieuwe zaak heeft, telt mee tot de peildatum (gecensureerd). De lijn is een Kaplan–"
        "Meierschatting van het deel dat nog niet heeft gerecidiveerd, met 95%-interval; de "
        "opvolging is afgekapt op drie jaar. Een lijn stopt waar minder dan {t} personen nog in "
        "beeld zijn; groepen kleiner dan {t} worden niet getoond."
    ),
    "deliveries": (
        "Elke aangeleverde file zoals de Terugkeermonitor die heeft ontvangen: geladen of "
        "geweigerd, met het aantal rijen. De periode is die van de uitstroomdatum (PI), "
        "meldingsdatum (gemeente) of pleegdatum (recidive) van de geladen rijen. Een geweigerd "
        "bestand laat geen gegevens achter, alleen de reden."
    ),
    "quarantine": (
        "Rijen die een regel van het uitwisselformaat overtreden, worden niet geladen maar in "
        "quarantaine gezet. Ze vervallen zodra dezelfde leverancier een nieuwere aanlevering doet. "
        "Een rij kan meer dan één regel overtreden."
    ),
    "completeness": (
        "**% onbekend** per veld en per inrichting: uitstromen waarvan het veld leeg is of "
        "*onbekend*, als % van alle uitstromen in de selectie. Hoe lager, hoe betrouwbaarder de "
        "cijfers die op dat veld rusten."
    ),
}
RULES |= {
    "compare": (
        "Het percentage van elke eenheid volgt de meetregel van de gekozen maat. Bij recidive is "
        "het **gecorrigeerd**: waargenomen / verwacht × het landelijke percentage, waarbij "
        "*verwacht* de som is van de kansen die een logistische regressie op het landelijke "
        "cohort voorspelt uit **geslacht, leeftijdsklasse, duur van detentie en het aantal "
        "eerdere uitstromen** (case-mix). Het interval is het 95%-Wilsoninterval van het "
        "waargenomen percentage, op dezelfde manier geschaald."
    ),
    "funnel": (
        "**Trechter**: elke eenheid (met minstens {t} personen) staat op haar omvang en "
        "percentage. De lijnen zijn de 95%- en 99,8%-controlegrenzen rond het landelijke "
        "percentage (binomiaal). Een voor case-mix gecorrigeerd percentage staat op het "
        "**verwachte aantal** recidivisten van de eenheid, met de grenzen van Spiegelhalter "
        "(2005): Poisson rond waargenomen / verwacht = 1, maal het landelijke percentage. "
        "Binnen de grenzen kan een verschil toeval zijn; een eenheid buiten de 99,8%-grens "
        "wijkt vrijwel zeker echt af. Kleine eenheden krijgen zo geen rangorde alsof hun "
        "percentage exact is."
    ),
    "factors": (
        "Per factor: de recidive van personen **met** (ja) en **zonder** (nee) die factor bij "
        "uitstroom, en de **odds ratio**: onder 1 gaat de factor samen met minder recidive. "
        "*Ruw* vergelijkt alleen met en zonder; *gecorrigeerd* komt uit één logistische "
        "regressie op alle landelijke cohorten met volledige opvolging, met geslacht, "
        "leeftijdsklasse, duur van detentie, eerdere uitstromen, inrichting, cohortjaar en "
        "alle factoren tegelijk. Onbekende waarden tellen als eigen categorie. Dit is een "
        "**samenhang, geen bewijs van effect**: wat niet gemeten is (motivatie, verslaving, "
        "netwerk) kan het verschil ook verklaren."
    ),
    "factor_km": (
        "Kaplan–Meiercurven van de tijd tot recidive voor personen met en zonder de gekozen "
        "factor bij uitstroom (onbekend weggelaten), ongecorrigeerd. Een lijn stopt waar "
        "minder dan {t} personen nog in beeld zijn."
    ),
    "process_pi": (
        "Per inrichting de procesindicatoren van de meetregels: % met re-integratieplan (van "
        "bekend), % TBO binnen 10 dagen (alleen inrichtingen die TBO-data leveren), % tijdig "
        "gemeld (≥ 14 dagen vóór uitstroom, van bekend) en % in beeld bij gemeente (alleen "
        "gemeenten die nazorggegevens leveren), % onder toezicht na uitstroom en % "
        "reclassering bij TBO (alleen maanden die alle drie reclasseringsorganisaties hebben "
        "geleverd). Een leeg vak: minder dan {t} in de noemer of niet geleverd."
    ),
    "supervision": (
        "**Onder toezicht na uitstroom**: uitstromen waarvan de persoon een toezicht van de "
        "reclassering heeft dat uiterlijk 30 dagen na de uitstroomdatum begint en op de "
        "uitstroomdatum nog niet was afgelopen, van alle uitstromen in maanden die alle drie "
        "reclasseringsorganisaties (Reclassering Nederland, SVG, Leger des Heils) hebben "
        "geleverd; daarbuiten *niet geleverd*. Per kader van het toezicht (bij meer toezichten: "
        "het eerst begonnen). Samenhang, geen bewijs van effect."
    ),
    "supervision_endings": (
        "**Toezicht regulier afgerond**: toezichten die in het jaar eindigden met afloop "
        "*regulier*, van die met een bekende afloop (landelijk: een reclasseringstraject heeft "
        "geen inrichting of gemeente)."
    ),
    "aftercare": (
        "**Op orde na 3 maanden** per leefgebied, uit de nazorgexport van de gemeente: op orde "
        "/ (op orde + niet op orde) × 100, zoals bij uitstroom. Alleen gemeenten die "
        "nazorggegevens leveren. De inrichting is die van de uitstroom met dezelfde persoon en "
        "uitstroomdatum; geslacht en leeftijd staan niet in de nazorgexport en filteren hier niet."
    ),
}
RULES["effect"] = (
    "**Effectmeting** (gekoppelde vergelijking). Behandeld zijn de uitstromen met de gekozen "
    "processtap (ja), of die van de gekozen gemeenten en/of inrichtingen vanaf de startmaand; "
    "de vergelijking komt uit de uitstromen zonder (nee), of uit die van de andere gemeenten en "
    "inrichtingen in dezelfde periode. Alleen cohorten met een jaar opvolging tellen mee. Een "
    "logistische regressie schat voor elke uitstroom de kans op behandeling (de "
    "propensityscore) uit geslacht, leeftijdsklasse, duur van detentie, eerdere uitstromen, de "
    "zes leefgebieden bij **instroom** (niet bij uitstroom: die kan de behandeling hebben "
    "veranderd), het jaar van uitstroom en bij een processtap de inrichting. Elke behandelde "
    "uitstroom krijgt de drie dichtstbijzijnde onbehandelde uitstromen van hetzelfde jaar, "
    "binnen 0,2 standaarddeviatie van de logit van die kans, met teruglegging; wie er geen "
    "vindt, valt af en wordt geteld. Het verschil in recidive (behandeld min vergelijking, in "
    "procentpunten) heeft een 95%-Wald-interval, met de vergelijkingsgroep geteld naar haar "
    "effectieve omvang. Het *kleinste aantoonbare verschil* is het verschil dat deze groepen "
    "met 80% kans aantonen (5% significantie). Het *verschil zonder koppeling* zet alle "
    "behandelden naast alle onbehandelden. Bij een werkwijze vanaf een maand geeft het "
    "**verschil-in-verschillen** een tweede schatting: (gekozen eenheden na − vóór de start) − "
    "(andere eenheden na − vóór), de periode vóór even lang als die erna. Minder dan het "
    "ingestelde minimum (standaard 60) behandelde uitstromen wordt niet gemeten; de aantallen "
    "dragen de ruis van de cell-key-methode; elke meting staat in het logboek en per persoon "
    "zijn er per dag niet meer metingen dan ingesteld. Ook na koppeling blijft het een "
    "vergelijking op wat de gegevens vastleggen: wat niet gemeten is (motivatie, verslaving) "
    "kan het verschil mede verklaren."
)
RULES["zelfscan"] = (
    "**Score** van een thema: het gemiddelde antwoord op de vragen van dat thema, als percentage "
    "van het hoogste antwoord (Niet geregeld = 0, In ontwikkeling = 1, Geregeld = 2, Geregeld en "
    "geborgd = 3); onbeantwoorde vragen tellen niet mee. De **totaalscore** is het gemiddelde "
    "van de thema's. Voorbeelden worden getoond bij thema's onder twee derde (67%)."
)

# How disclosure control reads in every table, chart and download (meetregels Onthulling).
SUPPRESSION = (
    "Aantallen van 1 tot {t} staan er als `<{t}`. Een aantal waaruit zo'n klein aantal terug "
    "te rekenen is (via een totaal of via het percentage ernaast), staat er als `x`. Een "
    "percentage (met zijn interval) staat er alleen als het op minstens {t} personen of "
    "uitstromen rust én zowel de groep met als de groep zonder de uitkomst 0 of minstens {t} "
    "is; anders staat er `–`, en in een grafiek een gat. % onbekend zegt iets over de "
    "registratie en valt alleen onder de eerste regel. Zo is niemand te herkennen. "
    "Verder: `0` is geen enkele; *nog niet beschikbaar*: de opvolgtijd is nog niet voorbij "
    "(recidive); *niet geleverd*: er is geen export die deze eenheid of periode dekt."
)

CELL_KEY = (
    "Bovendien is elk aantal met hooguit {d} verschoven (ruis volgens de celsleutelmethode): "
    "dezelfde personen krijgen overal dezelfde ruis, zodat het verschil tussen twee selecties "
    "niemand prijsgeeft. Percentages zijn berekend uit de verschoven aantallen. Zie *Over de "
    "cijfers*."
)


def disclosure_note(threshold: int, max_noise: int) -> str:
    """The disclosure legend under every table and in every download: suppression, and the
    cell-key noise when there is any."""
    note = SUPPRESSION.format(t=threshold)
    return f"{note} {CELL_KEY.format(d=max_noise)}" if max_noise else note


# The page Over de cijfers (docs/cellkey.md in Dutch, for the users).
CELL_KEY_PAGE = """
**Hoe de cijfers personen beschermen.** Twee regels gelden voor elk cijfer van de monitor, op
elke pagina, in elke download, in de open data en in `terugkeer figures`.

1. *Kleine aantallen.* {suppression}

2. *Ruis (de celsleutelmethode).* Met de filters kunt u veel verschillende selecties maken.
Zonder meer zou het verschil tussen twee selecties (bijvoorbeeld een gemeente, en dezelfde
gemeente met alleen mannen) een klein aantal personen kunnen verraden. Daarom telt bij elk
aantal een kleine, vaste ruis op: ten hoogste {d}, gemiddeld 0. De ruis hangt alleen af van
welke personen er geteld worden: dezelfde personen geven op elke pagina, in elke download en
na elke herberekening precies hetzelfde aantal. Nog eens vragen of selecties van elkaar
aftrekken levert dus ruis op, geen personen. Een aantal van {t} of meer komt nooit onder de
{t} uit, en 0 blijft 0.
"""
CELL_KEY_TABLE_TITLE = "Kans op elke verschuiving, per oorspronkelijk aantal"
CELL_KEY_EFFECT = (
    "Wat de ruis met een percentage doet: bij een cohort van **{n_small}** personen met de helft "
    "recidivisten wijkt het getoonde percentage hooguit **{max_small}** procentpunt af (meestal "
    "minder dan {sd_small}); bij **{n_large}** personen hooguit **{max_large}** procentpunt. "
    "Totalen die een tabel zelf optelt (een rij *Totaal*) zijn de som van de verschoven rijen; "
    "een totaal elders kan daarom een paar verschillen."
)
CELL_KEY_NOT = (
    "Zonder ruis: aantallen bestanden en rijen op *Datakwaliteit* (zij gaan over leveringen, "
    "niet over personen), de overlevingscurves en de landelijke modellen van *Succesfactoren*."
)
CELL_KEY_OFF = "De ruis staat in deze installatie uit (cell_key_max_noise = 0)."
