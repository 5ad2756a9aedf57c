"""LibreOffice conversions live in schema/office.py (the readers use them too); kept here for existing imports."""
from schema.office import DEFAULT_TIMEOUT, FONTS_CONF, convert, convert_one, soffice_binary, to_pdf  # noqa: F401
