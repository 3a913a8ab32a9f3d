"""Generated scanned documents for the OCR tests and the OCR benchmark (see scangen.py)."""
