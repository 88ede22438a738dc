"""Why a whole file is refused: a code and its parameters (as row rules have codes), with the
English message of the CLI and the delivery log. The dashboard says the same in Dutch from the
code (dashboard/texts.REFUSALS), never by reading the English. Parameters name columns, forms
and counts, never a value of the file."""

from __future__ import annotations

MESSAGES = {
    "cannot_open": "the file cannot be opened ({error})",
    "empty": "the file is empty",
    "no_rows": "the file has a header but no data rows",
    "not_xlsx": "the file is named .xlsx but is not an Excel workbook",
    "not_parquet": "the file is named .parquet but is not a (complete) Parquet file",
    "xls": "old Excel files (.xls) are not accepted: save it as .xlsx or CSV",
    "binary": "the file is binary, not a CSV, XLSX or Parquet export",
    "encoding": "the file is neither UTF-8 nor Windows-1252 text",
    "unreadable_form": "the file could not be read as {form} ({error})",
    "csv_shape": "the file could not be read as CSV: a row has more fields than the header, "
    "or a quote is not closed",
    "no_sheets": "the workbook has no sheets",
    "duplicate_columns": "the columns '{first}' and '{second}' both name '{target}'",
    "no_columns": "the file has no columns",
    "unknown_source": "unknown source kind '{source}'",
    "missing_columns": "the header lacks required {source} columns: {columns}",
    "unknown_header": "the header fits no kind of export; closest is '{closest}', which lacks: "
    "{columns}",
    "schema_error": "the file could not be validated (schema error)",
    "date_varies": "'{column}' must be the same on every row; the file has {n}",
    "identifier_column": "privacy: column '{column}' is named like a direct identifier",
    "bsn_pseudonym": "privacy: column '{column}' holds a value that is a valid BSN",
    "email_value": "privacy: column '{column}' holds an e-mail address",
    "postcode_value": "privacy: column '{column}' holds a postcode with house number",
    "organisation": "organisation: rows of {found}; only {allowed} may be delivered",
    "too_large": "the file would expand to {what}, above the limit of {limit}: split it",
    "check_limits": "checking the file took more than its limits ({memory} of memory or a "
    "minute of CPU): split it",
}


class Refusal(Exception):
    """A whole file is refused: `code` (a key of MESSAGES) and its parameters."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = {k: str(v) for k, v in params.items()}
        super().__init__(MESSAGES[code].format(**self.params))
