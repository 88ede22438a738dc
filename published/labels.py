"""Dutch labels of codes and of the columns of published tables: what the dashboard, the
downloads, the exports and the CLI's readable output call things. Translators: the dashboard's
other words are in dashboard/texts.py.
"""

from __future__ import annotations

NOT_SHOWN = "–"
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip
MONTHS_SHORT = (
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
)  # fmt: skip
LEEFGEBIEDEN = {
    "id_bewijs": "ID-bewijs",
    "onderdak": "Onderdak",
    "werk_inkomen": "Werk en inkomen",
    "schulden": "Schulden",
    "zorg": "Zorg",
    "sociaal_netwerk": "Sociaal netwerk",
    "alle": "Alle basisvoorwaarden",
}
REASONS = {
    "einde_straf": "Einde straf",
    "vi": "Voorwaardelijke invrijheidstelling",
    "schorsing": "Schorsing voorlopige hechtenis",
    "overig": "Overig",
}
SEXES = {"M": "Man", "V": "Vrouw", "X": "Onbekend/anders"}
AGE_BANDS = {b: f"{b} jaar" for b in ("12-17", "18-22", "23-29", "30-39", "40-49", "50+")}
LENGTH_BANDS = {
    "<14": "korter dan 2 weken",
    "14-89": "2 weken tot 3 maanden",
    "90-364": "3 maanden tot 1 jaar",
    ">=365": "1 jaar of langer",
}
OFFENCE_GROUPS = {
    "geweld": "Geweld",
    "vermogen": "Vermogen",
    "vermogen_geweld": "Vermogen met geweld",
    "vernieling_openbare_orde": "Vernieling en openbare orde",
    "opium": "Opiumwet",
    "verkeer": "Verkeer",
    "zeden": "Zeden",
    "overig": "Overig",
}
SOURCES = {
    "pi": "PI-export",
    "gemeente": "Nazorg-export gemeente",
    "recidive": "Recidivegegevens",
    "reclassering": "Reclasseringsexport",
}
DELIVERY_STATUS = {
    "loaded": "geladen",
    "refused": "geweigerd",
    "unchanged": "al geladen",
    "withdrawn": "ingetrokken",
    "withdrawal": "intrekking",
}
UNKNOWN = "onbekend"
SURVIVAL_GROUPS = {
    "none": "Geen uitsplitsing",
    "n_release_op_orde": "Aantal leefgebieden op orde",
    "alle_release": "Alle basisvoorwaarden op orde",
    "sex": "Geslacht",
    "age_band": "Leeftijdsklasse",
}
ALLE_STATUS = {"op_orde": "Ja", "niet_op_orde": "Nee", "onbekend": "Onbekend"}
N_OP_ORDE = "{n} van 6 op orde"
SPLITS = {
    "none": "Geen uitsplitsing",
    "pi_code": "Inrichting",
    "release_reason": "Reden van uitstroom",
    "sex": "Geslacht",
    "age_band": "Leeftijdsklasse",
    "length_band": "Duur van detentie",
}
PERIOD_CHOICES = {"year": "Jaar", "quarter": "Kwartaal", "month": "Maand"}
TOTAL = "Totaal"
PROVINCE = "Provincie {provincie}"
NATIONAL = "Nederland"
OTHER_PIS = "Andere inrichtingen"
COL = {
    "period": "Periode",
    "year": "Jaar",
    "cohort_year": "Cohort (jaar van uitstroom)",
    "grp": "Groep",
    "n_releases": "Uitstroom (aantal)",
    "gemeente": "Gemeente",
    "pi": "Inrichting",
    "leefgebied": "Leefgebied",
    "pct_op_orde": "% op orde",
    "pct_onbekend": "% onbekend",
    "n_op_orde": "Op orde",
    "n_niet_op_orde": "Niet op orde",
    "n_onbekend": "Onbekend",
    "pct_improved": "% verbeterd tijdens detentie",
    "n_improved": "Verbeterd tijdens detentie",
    "n_intake_niet": "Bij instroom niet op orde (status bij uitstroom bekend)",
    "pct_intake": "% op orde bij instroom",
    "n_cohort": "Cohort (personen)",
    "pct_1y": "Recidive binnen 1 jaar (%)",
    "pct_2y": "Recidive binnen 2 jaar (%)",
    "pct_1y_low": "1 jaar: ondergrens 95%",
    "pct_1y_high": "1 jaar: bovengrens 95%",
    "pct_2y_low": "2 jaar: ondergrens 95%",
    "pct_2y_high": "2 jaar: bovengrens 95%",
    "n_reoffended_1y": "Recidivisten binnen 1 jaar",
    "n_reoffended_2y": "Recidivisten binnen 2 jaar",
    "availability": "Beschikbaar",
    "offence_group": "Delictgroep eerste nieuwe zaak",
    "pct_group": "% van het cohort",
    "days": "Dagen na uitstroom",
    "survival": "Nog niet gerecidiveerd (%)",
    "survival_low": "Ondergrens 95%",
    "survival_high": "Bovengrens 95%",
    "at_risk": "Nog in beeld (personen)",
    "file_name": "Bestand",
    "source": "Soort",
    "supplier": "Leverancier",
    "delivery_date": "Exportdatum",
    "ingested_at": "Geladen op",
    "status": "Status",
    "rows_read": "Rijen gelezen",
    "rows_loaded": "Rijen geladen",
    "rows_quarantined": "Rijen in quarantaine",
    "rows_duplicate": "Dubbele rijen",
    "period_from": "Periode vanaf",
    "period_to": "Periode tot en met",
    "reason": "Reden van weigering",
    "rule": "Regel",
    "n_rows": "Rijen",
    "field": "Veld",
}
AVAILABLE = "ja"
NOT_YET_AVAILABLE = "nog niet beschikbaar"
NOT_DELIVERED = "niet geleverd"
OUTFLOW_REST = "Overige gemeenten ({n})"
WINDOW_1Y = "Binnen 1 jaar"
WINDOW_2Y = "Binnen 2 jaar"
FIELDS = {
    "gemeente": "Gemeente van terugkeer",
    "reintegration_plan": "Re-integratieplan",
    "notice_date": "Datum melding aan gemeente",
    "tbo_date": "Datum TBO",
    **{f"{k}_intake": f"{v} (instroom)" for k, v in LEEFGEBIEDEN.items() if k != "alle"},
    **{f"{k}_release": f"{v} (uitstroom)" for k, v in LEEFGEBIEDEN.items() if k != "alle"},
}
# Rule codes of intake/schemas.py, in Dutch (the upload report and the quarantine table).
RULE_LABELS = {
    "required": "verplichte waarde ontbreekt",
    "invalid_format": "waarde heeft niet de vereiste vorm",
    "invalid_code": "waarde is geen code uit het uitwisselformaat",
    "invalid_date": "geen geldige datum (jjjj-mm-dd, dd-mm-jjjj of dd/mm/jjjj)",
    "unknown_pi": "inrichting staat niet in de referentielijst",
    "unknown_gemeente": "gemeentecode staat niet in de CBS-lijst",
    "admission_out_of_range": "instroomdatum vóór 1990 of na de exportdatum",
    "release_before_admission": "uitstroomdatum vóór instroomdatum",
    "release_after_export_date": "uitstroomdatum na de exportdatum",
    "reason_without_release": "reden van uitstroom zonder uitstroomdatum",
    "release_without_reason": "uitstroomdatum zonder reden van uitstroom",
    "age_out_of_range": "leeftijd bij instroom niet tussen 12 en 100 jaar",
    "tbo_before_admission": "TBO-datum vóór instroomdatum",
    "notice_before_admission": "meldingsdatum vóór instroomdatum",
    "registration_before_offence": "registratiedatum vóór pleegdatum",
    "start_out_of_range": "startdatum vóór 1990 of na de exportdatum",
    "end_before_start": "einddatum vóór startdatum",
    "end_after_export_date": "einddatum na de exportdatum",
    "supervision_without_frame": "toezicht zonder kader",
    "frame_without_supervision": "kader bij een advies (alleen bij toezicht)",
    "ended_supervision_without_outcome": "beëindigd toezicht zonder afloop",
    "outcome_without_ended_supervision": "afloop zonder beëindigd toezicht",
    "conflict": "dezelfde sleutel staat op rijen met verschillende waarden",
    "key_of_other_supplier": "deze detentieperiode is door een andere inrichting geleverd",
}
POSITION_LABELS = {
    "boven_998": "duidelijk hoger (boven 99,8%-grens)",
    "boven_95": "hoger (boven 95%-grens)",
    "binnen": "binnen de grenzen (verschil kan toeval zijn)",
    "onder_95": "lager (onder 95%-grens)",
    "onder_998": "duidelijk lager (onder 99,8%-grens)",
}
FACTOR_LABELS = {
    **{k: v for k, v in LEEFGEBIEDEN.items() if k != "alle"},
    "reintegratieplan": "Re-integratieplan",
    "tbo_10_dagen": "TBO binnen 10 dagen",
    "tijdig_gemeld": "Tijdig gemeld bij gemeente",
    "in_beeld": "In beeld bij gemeente",
    "casemanager": "Casemanager gemeente",
    "onder_toezicht": "Onder toezicht reclassering na uitstroom",
}
FACTORS_WITH = "Met (ja)"
FACTORS_WITHOUT = "Zonder (nee)"
PROCESS_LABELS = {
    "plan": "Re-integratieplan",
    "tbo": "TBO binnen 10 dagen",
    "tijdig": "Tijdig gemeld",
    "in_beeld": "In beeld bij gemeente",
    "toezicht": "Onder toezicht na uitstroom",
    "reclassering_tbo": "Reclassering bij TBO",
}
SUPERVISION_FRAMES = {
    "vi": "Voorwaardelijke invrijheidstelling",
    "voorwaardelijke_straf": "Voorwaardelijke straf",
    "schorsing": "Schorsing",
    "overig": "Overig",
}
COL.update(
    {
        "n_covered": "Uitstromen (reclassering geleverd)",
        "n_supervised": "Onder toezicht na uitstroom",
        "pct_supervised": "% onder toezicht",
        "n_ended_known": "Toezichten beëindigd (afloop bekend)",
        "n_ended_regular": "Waarvan regulier afgerond",
        "pct_regular": "% regulier afgerond",
        "unit": "Eenheid",
        "code": "Code",
        "rate": "Percentage",
        "rate_low": "Ondergrens 95%",
        "rate_high": "Bovengrens 95%",
        "n": "Aantal",
        "k": "Teller",
        "observed": "Waargenomen",
        "expected": "Verwacht (case-mix)",
        "o_e": "Waargenomen / verwacht",
        "corrected": "Gecorrigeerd percentage",
        "corrected_low": "Gecorrigeerd: ondergrens 95%",
        "corrected_high": "Gecorrigeerd: bovengrens 95%",
        "position": "Ligging in de trechter",
        "series": "Reeks",
        "factor": "Factor",
        "pct_with": "Recidive met (%)",
        "pct_without": "Recidive zonder (%)",
        "n_with": "Personen met",
        "n_without": "Personen zonder",
        "raw_or": "Odds ratio ruw",
        "raw_low": "Ruw: ondergrens 95%",
        "raw_high": "Ruw: bovengrens 95%",
        "adj_or": "Odds ratio gecorrigeerd",
        "adj_low": "Gecorrigeerd: ondergrens 95%",
        "adj_high": "Gecorrigeerd: bovengrens 95%",
        "level": "Aanwezig",
        "indicator": "Indicator",
    }
)
MEASURE_LABELS = {
    "recidive_2y": "Recidive binnen 2 jaar (gecorrigeerd voor case-mix)",
    "recidive_1y": "Recidive binnen 1 jaar (gecorrigeerd voor case-mix)",
    **{f"op_orde_{k}": f"{v} op orde bij uitstroom" for k, v in LEEFGEBIEDEN.items()},
    **{f"onbekend_{k}": f"{v}: % onbekend bij uitstroom" for k, v in LEEFGEBIEDEN.items()},
    "plan": "Met re-integratieplan",
    "tbo": "TBO binnen 10 dagen",
    "tijdig": "Tijdig gemeld bij gemeente (≥ 14 dagen)",
    "in_beeld": "In beeld bij gemeente",
    "toezicht": "Onder toezicht reclassering na uitstroom",
    "reclassering_tbo": "Reclassering betrokken bij het TBO",
}
# Refusals (intake/refusals.py) by code, with the same parameters.
REFUSALS = {
    "check_limits": "het controleren van dit bestand kostte meer dan de grens ({memory} "
    "geheugen of een minuut rekentijd). Splits het in kleinere bestanden. Er is niets "
    "opgeslagen.",
    "too_large": "dit bestand zou uitgepakt {what} worden, meer dan de grens van {limit}. "
    "Splits het in kleinere bestanden. Er is niets opgeslagen.",
    "organisation": "dit bestand bevat gegevens van {found}; u mag alleen gegevens van "
    "{allowed} aanleveren. Er is niets opgeslagen.",
    "identifier_column": "privacy: kolom '{column}' heeft de naam van een direct "
    "identificerend gegeven",
    "bsn_pseudonym": "privacy: kolom '{column}' bevat een waarde die een geldig BSN is",
    "email_value": "privacy: kolom '{column}' bevat een e-mailadres",
    "postcode_value": "privacy: kolom '{column}' bevat een postcode met huisnummer",
    "empty": "het bestand is leeg",
    "no_rows": "het bestand heeft een kopregel maar geen rijen",
    "cannot_open": "het bestand kan niet worden geopend ({error})",
    "not_xlsx": "het bestand heet .xlsx maar is geen Excel-werkmap",
    "not_parquet": "het bestand heet .parquet maar is geen (volledig) Parquet-bestand",
    "xls": "oude Excel-bestanden (.xls) worden niet aangenomen: sla het op als .xlsx of CSV",
    "binary": "het bestand is binair, geen CSV-, Excel- of Parquet-export",
    "encoding": "het bestand is geen tekst in UTF-8 of Windows-1252",
    "unreadable_form": "het bestand kan niet als {form} worden gelezen ({error})",
    "missing_columns": "de kopregel mist verplichte kolommen voor {source}: {columns}",
    "unknown_header": "de kopregel past bij geen enkele soort export; het meest lijkt "
    "'{closest}', dat mist: {columns}",
    "unknown_source": "onbekende soort export '{source}'",
    "csv_shape": "het bestand kan niet als CSV worden gelezen: een rij heeft meer velden dan "
    "de kopregel, of een aanhalingsteken wordt niet gesloten",
    "no_sheets": "de Excel-werkmap heeft geen werkbladen",
    "duplicate_columns": "de kolommen '{first}' en '{second}' staan allebei voor '{target}'",
    "no_columns": "het bestand heeft geen kolommen",
    "schema_error": "het bestand kan niet worden gecontroleerd (schemafout)",
    "date_varies": "'{column}' moet op elke rij gelijk zijn; het bestand heeft {n} "
    "verschillende waarden",
}

# Effectmeting (published/tables/effect.py): its tables' rows and columns.
EFFECT_GROUPS = {
    "found": "Behandelde groep: gevonden",
    "matched": "Behandelde groep: gekoppeld aan een vergelijking",
    "comparison": "Vergelijkingsgroep (gewogen)",
}
EFFECT_CURVES = {"treated": "Behandelde groep", "comparison": "Vergelijkingsgroep"}
EFFECT_ROWS = {
    "difference": "Gekoppelde vergelijking, recidive binnen {k} jaar",
    "did": "Verschil-in-verschillen, recidive binnen {k} jaar",
}
EFFECT_COLUMNS = {
    "grp": "Groep",
    "n": "Aantal uitstromen",
    "effective_n": "Effectieve omvang",
    "rate_1y": "% recidive binnen 1 jaar",
    "rate_2y": "% recidive binnen 2 jaar",
    "cases_per_100": "Nieuwe zaken binnen 1 jaar per 100",
    "estimate": "Verschil (procentpunten)",
    "low": "Ondergrens 95%",
    "high": "Bovengrens 95%",
    "significant": "Significant",
    "detectable": "Kleinste aantoonbare verschil (procentpunten)",
    "needed": "Benodigde behandelde groep voor dit verschil",
    "naive": "Verschil zonder koppeling (procentpunten)",
    "covariate": "Kenmerk",
    "level": "Waarde",
    "smd_before": "Gestandaardiseerd verschil vóór koppeling",
    "smd_after": "Gestandaardiseerd verschil na koppeling",
    "flagged": "0,1 of meer na koppeling",
}
EFFECT_COVARIATES = {
    "sex": "Geslacht",
    "age_band": "Leeftijdsklasse",
    "length_band": "Duur van detentie",
    "n_earlier_releases": "Eerdere uitstromen",
    **{f"{k}_intake": f"{v} bij instroom" for k, v in LEEFGEBIEDEN.items() if k != "alle"},
    "pi_code": "Inrichting",
    "cohort_year": "Jaar van uitstroom",
}
EFFECT_INTAKE_LEVELS = {"ja": "op orde", "nee": "niet op orde", "onbekend": "onbekend"}
EFFECT_EARLIER = {"5": "5 of meer"}
YES, NO = "ja", "nee"
