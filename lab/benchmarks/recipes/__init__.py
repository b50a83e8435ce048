"""One recipe per built-in benchmark."""
