"""The report: plain frozen data (results, verdict, fix), its redaction, and reading saved reports back."""
