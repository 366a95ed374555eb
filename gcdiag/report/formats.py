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
    CSV = "csv"

    def __str__(self) -> str:
        return self.value

    @property
    def is_data(self) -> bool:
        """YAML and JSON carry the whole document; the others are views of it."""
        return self in (Format.YAML, Format.JSON)


FORMATS = tuple(f.value for f in Format)
# A listing is not a report: JUnit and Markdown describe diagnoses, so listings write a table or the data.
LISTING_FORMATS = (Format.TABLE, Format.YAML, Format.JSON)
# who-can's listing is a list of holders: a spreadsheet (CSV) and a ticket (Markdown) are views of it too.
EXPOSURE_FORMATS = (Format.TABLE, Format.YAML, Format.JSON, Format.MARKDOWN, Format.CSV)

# The forms a configuration-changing fix step is written in besides its text (``--fix-format``).
FIX_FORMS = ("api", "terraform", "gc")
FIX_FORMAT_CHOICES = ("all", "text", *FIX_FORMS)


def fix_forms(choice: str | None) -> tuple[str, ...]:
    """``--fix-format`` → the code forms views print: ``all`` (the default) every one, ``text`` none, else that one."""
    if choice in (None, "", "all"):
        return FIX_FORMS
    if choice == "text":
        return ()
    if choice not in FIX_FORMS:
        raise ValueError(f"unknown fix format {choice!r}: choose one of {', '.join(FIX_FORMAT_CHOICES)}")
    return (choice,)
