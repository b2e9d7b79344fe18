"""One rule for every CSV file the site writes: no cell may run as a spreadsheet formula."""

# Spreadsheets run a cell starting with one of these as a formula (or DDE): data must never run,
# whoever typed it (a relative, staff, a source's title).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """`value` as a CSV cell: None is empty, and text a spreadsheet would run is quoted with '."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
