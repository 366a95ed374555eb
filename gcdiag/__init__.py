"""gcdiag: explains why a Genesys Cloud API call would fail, from facts read from the org.

Only the version lives here so that ``gcdiag --version`` imports nothing heavy.
"""

__version__ = "0.1.0"
