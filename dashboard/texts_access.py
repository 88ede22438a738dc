"""The dashboard's UI strings of login, roles and the Beheer page (users and the audit
trail), in Dutch, for translators; the other pages' strings are in dashboard/texts.py."""

from __future__ import annotations

LOGIN_INTRO = (
    "De Terugkeermonitor is alleen toegankelijk na inloggen met het account van uw organisatie."
)
LOGIN_BUTTON = "Inloggen"
LOGOUT_BUTTON = "Uitloggen"
NO_ACCESS = (
    "U bent ingelogd als **{email}**, maar u heeft nog geen toegang tot de Terugkeermonitor. "
    "Vraag de beheerder van de Terugkeermonitor om u toe te voegen, met de rol die bij uw werk "
    "past (lezer, gemeente, aanleverancier of beheerder)."
)
NO_PAGE_ACCESS = (
    "Deze pagina is niet beschikbaar voor uw rol ({role}). Kies een pagina in de zijbalk, of "
    "vraag de beheerder om een andere rol."
)
LOCAL_MODE = "Lokaal, zonder inlog (u werkt als beheerder)"
LOGGED_IN_AS = "Ingelogd als {email} ({role})"
ROLES = {
    "lezer": "lezer",
    "gemeente": "gemeente",
    "aanleverancier": "aanleverancier",
    "beheerder": "beheerder",
}
ADMIN_INTRO = (
    "Wie de Terugkeermonitor mag gebruiken, met welke rol, en het logboek: wie welk bestand "
    "laadde of geweigerd kreeg, wie welk zelfscan-antwoord gaf en wie welke gebruiker wijzigde."
)
ADMIN_USERS = "Gebruikers"
ADMIN_EMAIL = "E-mailadres"
ADMIN_ROLE = "Rol"
ADMIN_ORGANISATION = "Organisatie"
ADMIN_ORGANISATION_HELP = (
    "Voor de rol gemeente de GM-code; voor een aanleverancier de code van de inrichting, de "
    "GM-code, JD (Justitiële Documentatie) of die van een reclasseringsorganisatie (rn, svg, "
    "ldh). Leeg voor lezer en beheerder."
)
ADMIN_ADDED = "Toegevoegd"
ADMIN_ADD = "Toevoegen of wijzigen"
ADMIN_ADDED_OK = "{email} is opgeslagen."
ADMIN_USER_REFUSED = "Niet opgeslagen: {reason}"
ADMIN_REMOVE_WHO = "Gebruiker verwijderen"
ADMIN_REMOVE = "Verwijderen"
ADMIN_AUDIT = "Logboek"
ADMIN_TOKENS = "Sleutels voor de API"
ADMIN_TOKENS_INTRO = (
    "De open API (OData, in de vorm van CBS) geeft de landelijke tabellen aan iedereen. Tabellen "
    "per gemeente, provincie of inrichting vragen een sleutel. Geef elke onderzoeker of "
    "organisatie een eigen sleutel; het gebruik staat per sleutel en dag in het logboek."
)
ADMIN_TOKEN_ID = "Nummer"
ADMIN_TOKEN_NAME = "Voor wie"
ADMIN_TOKEN_STATE = "Status"
ADMIN_TOKEN_ACTIVE = "actief"
ADMIN_TOKEN_REVOKED = "ingetrokken op {at}"
ADMIN_TOKEN_CALLS = "Aanroepen"
ADMIN_TOKEN_ADD = "Sleutel maken"
ADMIN_TOKEN_ISSUED = (
    "Sleutel voor {name} gemaakt. Kopieer hem nu: hij wordt maar één keer getoond en is niet "
    "terug te halen."
)
ADMIN_TOKEN_REVOKE_WHICH = "Sleutel intrekken"
ADMIN_TOKEN_REVOKE = "Intrekken"
ADMIN_SINCE = "Vanaf"
ADMIN_UNTIL = "Tot en met"
ADMIN_WHO = "Wie"
ADMIN_AT = "Wanneer"
ADMIN_ACTION = "Handeling"
ADMIN_TARGET = "Waarop"
ADMIN_DETAIL = "Details"
AUDIT_ACTIONS = {
    "file_loaded": "bestand geladen",
    "file_unchanged": "bestand al geladen",
    "file_refused": "bestand geweigerd",
    "figures_exact": "cijfers zonder ruis opgevraagd (terugkeer figures --exact)",
    "zelfscan_started": "zelfscan gestart",
    "zelfscan_answered": "zelfscan beantwoord",
    "zelfscan_carried_over": "zelfscans overgezet",
    "user_added": "gebruiker toegevoegd",
    "user_changed": "gebruiker gewijzigd",
    "user_removed": "gebruiker verwijderd",
    "delivery_withdrawn": "levering ingetrokken",
    "backup_made": "back-up gemaakt",
    "backup_restored": "back-up teruggezet",
    "user_bound": "gebruiker gekoppeld aan zijn account bij de inlogdienst",
    "login": "ingelogd",
    "login_refused": "inlog geweigerd (onbekend of niet-geverifieerd account)",
    "page_refused": "pagina geweigerd",
    "download": "tabel gedownload",
    "figures_exact_env": "cijfers zonder ruis ingesteld (TERUGKEER_CELL_KEY_MAX_NOISE=0)",
    "api_token_added": "API-sleutel gemaakt",
    "api_token_revoked": "API-sleutel ingetrokken",
    "api_token_used": "API-sleutel gebruikt (eerste aanroep van de dag)",
}
APPDB_ERROR = (
    "De applicatiedatabase (gebruikers, zelfscans, logboek) is niet bereikbaar ({error}). "
    "Controleer de instelling database_url of TERUGKEER_DATABASE_URL."
)
CONFIG_BROKEN = (
    "De inlog van de Terugkeermonitor is niet goed ingesteld, daarom is de Terugkeermonitor "
    "gesloten. Neem contact op met de beheerder; die vindt de oorzaak in de instellingen van "
    "de server."
)
CONFIG_MISSING = (
    "Voor de Terugkeermonitor is geen inlog ingesteld, daarom is hij gesloten. Zonder inlog "
    "werkt hij alleen op deze computer, gestart met `terugkeer dashboard`."
)
HOST_REFUSED = (
    "Deze pagina is geopend via een adres dat niet bij de Terugkeermonitor hoort. Gebruik het "
    "adres dat uw organisatie u heeft gegeven."
)
CLOSED_TITLE = "Terugkeermonitor gesloten"
WRITE_REFUSED = (
    "Niet opgeslagen: uw rol staat dit (niet meer) toe. Laad de pagina opnieuw, of vraag de "
    "beheerder om een andere rol."
)
