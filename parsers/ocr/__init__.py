"""Offline OCR of scanned and photographed forms.

engine: rapidocr wrapper (one lazily loaded engine per process);
seal:   red-seal suppression;
grid:   deskew, ruling-line grid recovery, OCR text assigned to table cells.
"""
