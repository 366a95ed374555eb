"""The output formats: one enum feeds the ``-o`` choice, the renderer registry and the listing commands."""

from __future__ import annotations

import enum


class Format(str, enum.Enum):
    """An output format. Reports take all of them; listings (whoami, catalog, checks list) only the data ones."""

    TABLE = "table"
    YAML = "yaml"
    JSON = "json"
    JUNIT = "junit"
    MARKDOWN = "markdown"

    def __str__(self) -> str:
        return self.value

    @property
    def is_data(self) -> bool:
        """YAML and JSON carry the whole document; the others are views of it."""
        return self in (Format.YAML, Format.JSON)


FORMATS = tuple(f.value for f in Format)
# A listing is not a report: JUnit and Markdown describe diagnoses, so listings write a table or the data.
LISTING_FORMATS = (Format.TABLE, Format.YAML, Format.JSON)
