"""What gcdiag knows of the Genesys Cloud API, as pure data and functions: the operation catalog, regions,
authorization rules, error codes, the calls that pause a recording, and fix text.

No HTTP and no gcdiag stage here; any layer may import it. Each fact carries its source (docs/genesys-facts.md).
"""
