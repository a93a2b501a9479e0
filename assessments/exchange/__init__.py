"""Data in and out: spreadsheet imports and exports (import-export resources), and data packages."""
