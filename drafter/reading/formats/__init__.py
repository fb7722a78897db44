"""One module per document format, each turning bytes into parser blocks."""
