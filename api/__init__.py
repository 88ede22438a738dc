"""The read-only OData 4 API of the published tables, in CBS's form (terugkeer api)."""
