"""The Effectmeting page's strings, in Dutch, for translators (the other pages' strings are in
dashboard/texts.py)."""

from __future__ import annotations

INTRO = (
    "Ging een werkwijze of een processtap samen met minder recidive dan bij vergelijkbare "
    "uitstromen zonder? Deze pagina zet de uitstromen met de werkwijze of processtap (de "
    "**behandelde groep**) naast uitstromen zonder die er zoveel mogelijk op lijken (de "
    "**vergelijkingsgroep**), gekoppeld op kenmerken van vóór de behandeling, zoals het Justice "
    "Data Lab van het Britse ministerie van Justitie dat doet. Dat zegt meer dan een samenhang "
    "(pagina Succesfactoren), maar is geen sluitend bewijs: de koppeling houdt alleen rekening "
    "met wat de gegevens vastleggen."
)
KIND = "Wat wilt u meten?"
KINDS = {
    "condition": "Een processtap (bijvoorbeeld TBO binnen 10 dagen)",
    "start": "Een werkwijze die in een maand begon",
}
CONDITION = "Processtap"
CONDITION_MEANING = {
    "reintegratieplan": "Bij uitstroom was er een re-integratieplan (registratie van de PI).",
    "tbo_10_dagen": (
        "Het trajectbepalingsoverleg (TBO) was binnen 10 dagen na instroom; alleen bij PI's die "
        "de TBO-datum leveren."
    ),
    "tijdig_gemeld": "De PI meldde de uitstroom ten minste 14 dagen vooraf bij de gemeente.",
    "in_beeld": (
        "De gemeente had de persoon uiterlijk op de dag van uitstroom in beeld (een "
        "nazorgtraject met een meldingsdatum); alleen bij gemeenten die nazorg leveren."
    ),
    "casemanager": (
        "De gemeente had een casemanager voor de persoon; alleen bij gemeenten die nazorg leveren."
    ),
    "onder_toezicht": (
        "Een toezicht van de reclassering begon uiterlijk 30 dagen na uitstroom en was toen nog "
        "niet afgelopen; alleen in maanden waarin alle drie reclasseringsorganisaties leverden."
    ),
}
CONDITION_POOL = (
    "De vergelijking komt uit de uitstromen zonder deze processtap (nee); waar de maat niet "
    "van toepassing of onbekend is, telt de uitstroom in geen van beide groepen."
)
START_YEAR = "Startjaar van de werkwijze"
START_MONTH = "Startmaand"
GEMEENTEN = "Gemeenten met de werkwijze (woonplaats bij uitstroom)"
PIS = "Inrichtingen met de werkwijze"
START_MEANING = (
    "Behandeld: uitstromen vanaf de eerste dag van de startmaand van inwoners van de gekozen "
    "gemeenten en/of uit de gekozen inrichtingen (beide gekozen: inwoners van die gemeenten "
    "die uit die inrichtingen uitstroomden). De vergelijking komt uit de uitstromen van de "
    "andere gemeenten en inrichtingen in dezelfde periode."
)
CONDITION_SCOPE = (
    "Gemeenten en inrichtingen die in de zijbalk zijn gekozen, beperken de behandelde groep "
    "en de vergelijking: {scope}."
)
PERIOD = (
    "Periode: de jaren van uitstroom van de zijbalk ({period}), alleen cohorten met ten minste "
    "een jaar follow-up."
)
ALL_YEARS = "alle jaren"
SUBMIT = "Effect meten"
WORKING = "De vergelijking wordt gemaakt…"
RESULT_OF = "Resultaat voor: {definition}"
DEFINITION_CONDITION = "{condition}"
DEFINITION_START = "werkwijze vanaf {month} {year} in {units}"
UNITS_AND = " en "
CHANGED = (
    "De keuze hierboven is gewijzigd sinds deze meting. Klik op **{submit}** om de nieuwe "
    "keuze te meten."
)

# Refusals (published/effect.EffectError codes) and the daily limit.
ERRORS = {
    "too_few": (
        "Deze definitie heeft te weinig behandelde uitstromen met een jaar follow-up: er zijn er "
        "minder dan {minimum} nodig. Kies meer jaren in de zijbalk, meer gemeenten of "
        "inrichtingen, of een eerdere startmaand."
    ),
    "too_few_matched": (
        "Minder dan {minimum} behandelde uitstromen vonden een vergelijkbare uitstroom zonder "
        "de behandeling. De groepen lijken te weinig op elkaar om te vergelijken."
    ),
    "units": "Kies voor een werkwijze ten minste één gemeente of inrichting.",
    "condition": "Deze processtap is onbekend.",
    "definition": "Kies een processtap of een werkwijze met een startmaand.",
}
LIMIT = (
    "U heeft vandaag {done} metingen gedaan, het maximum per persoon per dag. Morgen kunt u "
    "weer meten. (Het maximum beschermt tegen het terugrekenen van personen uit veel bijna "
    "gelijke metingen.)"
)
NO_RIGHT = "Uw rol staat meten niet (meer) toe. Laad de pagina opnieuw."

# Results.
GROUPS = "Wie zijn vergeleken"
FOUND = "Behandelde uitstromen gevonden"
MATCHED = "Gekoppeld aan een vergelijking"
COMPARISON = "Vergelijkingsgroep (uitstromen)"
DROPPED = (
    "{dropped} behandelde uitstromen vonden geen vergelijkbare uitstroom binnen de marge en "
    "tellen niet mee."
)
SAY = "Wat u kunt zeggen"
SAY_LOWER = (
    "Van elke 100 mensen in de behandelde groep pleegden er binnen {k} jaar {t} een nieuw "
    "misdrijf, tegen {c} van elke 100 in een vergelijkbare groep. Het verschil is statistisch "
    "significant: de {what} ging samen met **{low} tot {high} procentpunten minder recidive** "
    "binnen {k} jaar (95%-betrouwbaarheidsinterval)."
)
SAY_HIGHER = (
    "Van elke 100 mensen in de behandelde groep pleegden er binnen {k} jaar {t} een nieuw "
    "misdrijf, tegen {c} van elke 100 in een vergelijkbare groep. Het verschil is statistisch "
    "significant: de {what} ging samen met **{low} tot {high} procentpunten méér recidive** "
    "binnen {k} jaar (95%-betrouwbaarheidsinterval)."
)
SAY_NONE = (
    "Van elke 100 mensen in de behandelde groep pleegden er binnen {k} jaar {t} een nieuw "
    "misdrijf, tegen {c} van elke 100 in een vergelijkbare groep. Dit verschil is **niet "
    "statistisch significant** (95%-interval {low} tot {high} procentpunten): op deze gegevens "
    "is niet te zeggen of de {what} recidive verminderde of verhoogde."
)
SAY_POWER = (
    "Met deze groepsgrootte is een verschil vanaf **{detectable} procentpunten** aan te tonen "
    "(80% kans, 5% significantie)."
)
SAY_NEEDED = (
    " Om een verschil zo groot als het gemeten verschil ({d} procentpunten) aan te tonen, "
    "waren ongeveer **{needed}** behandelde uitstromen nodig."
)
SAY_NO_2Y = "Voor recidive binnen 2 jaar zijn te weinig behandelde uitstromen met 2 jaar follow-up."
WHAT = {"condition": "processtap", "start": "werkwijze"}
TILE_RATE = "Recidive binnen {k} jaar"
TILE_DIFFERENCE = "{d} procentpunten t.o.v. vergelijking"
DIFFERENCES = "Verschillen in recidive"
GROUPS_CHART = "Recidive van de behandelde groep en de vergelijkingsgroep"
GROUPS_Y = "% met een nieuw misdrijf"
GROUP_BARS = {"rate_1y": "Binnen 1 jaar", "rate_2y": "Binnen 2 jaar"}
DID = (
    "**Tweede schatting, verschil-in-verschillen**: de verandering in recidive binnen 1 jaar "
    "van de gekozen eenheden (na de start tegen de {months} maanden ervoor) min die van de "
    "andere eenheden: {estimate} procentpunten (95%-interval {low} tot {high})."
)
DISAGREE = (
    "De twee schattingen **verschillen**: geen van beide intervallen bevat de schatting van de "
    "ander. De gekoppelde vergelijking houdt alleen rekening met kenmerken van de uitstromen; "
    "verschillen tussen de eenheden zelf (bijvoorbeeld dat deze gemeente of PI vóór de start al "
    "anders presteerde) haalt alleen het verschil-in-verschillen weg. Vertrouw bij een werkwijze "
    "van één eenheid vooral op het verschil-in-verschillen."
)
NO_DID = (
    "Een verschil-in-verschillen kon niet worden berekend (geen periode vóór de start met "
    "genoeg uitstromen)."
)
BALANCE = "Balans: lijken de groepen op elkaar?"
BALANCE_CHART = "Gestandaardiseerd verschil per kenmerkwaarde, vóór en na koppeling"
BALANCE_X = "Gestandaardiseerd verschil (behandeld min vergelijking)"
BALANCE_SERIES = {"smd_before": "Vóór koppeling", "smd_after": "Na koppeling"}
BALANCE_OK = (
    "Na koppeling verschillen alle kenmerkwaarden minder dan 0,1: de groepen zijn in balans."
)
BALANCE_FLAGGED = (
    "Na koppeling verschillen **{n}** kenmerkwaarden 0,1 of meer: daarop lijken de groepen "
    "niet genoeg op elkaar. Lees het resultaat met extra voorzichtigheid."
)
CURVES = "Tijd tot het eerste nieuwe misdrijf"
CURVES_X = "Dagen na uitstroom"
CURVES_Y = "Nog niet gerecidiveerd"
DOWNLOADS = "Alles downloaden"
DOWNLOAD_XLSX = "Meting (Excel)"
DOWNLOAD_DOCX = "Rapport (Word)"
REPORT_TITLE = "Effectmeting: {definition}"
