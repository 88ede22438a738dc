"""Every UI string of the dashboard, in Dutch, in one place for translators."""

APP_TITLE = "Terugkeermonitor"
PLACEHOLDER = (
    "Het dashboard is in aanbouw. De cijfers zijn al beschikbaar via de opdrachtregel: "
    "`terugkeer figures`."
)
