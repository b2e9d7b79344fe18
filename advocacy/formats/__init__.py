"""Locale formats Django does not ship (FORMAT_MODULE_PATH); Django's own fill in the rest."""
