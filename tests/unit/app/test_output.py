"""--output-file: checked before any request, never clobbering an input, a file or a file elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gcdiag.app.invocation import Invocation
from gcdiag.app.output import Output
from gcdiag.inputs import InputError


def output(path: Path | str, *, force: bool = False, reads: tuple[str, ...] = ()) -> Output:
    options = {"output_file": str(path), "output_format": "json", "force": force or None}
    return Output(Invocation(options=options), reads=reads)


def test_a_new_file_is_written_whole_and_nothing_is_left_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    output(target).write("{}\n")
    assert target.read_text() == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(InputError, match="exists: pass --force to replace it"):
        output(target)
    output(target, force=True).write("new")
    assert target.read_text() == "new"


def test_the_file_a_command_reads_is_never_its_output(tmp_path: Path) -> None:
    source = tmp_path / "report.json"
    source.write_text("{}")
    with pytest.raises(InputError, match="a file this command reads"):
        output(source, force=True, reads=(str(source),))
    link = tmp_path / "alias.json"
    link.symlink_to(source)
    with pytest.raises(InputError, match="a file this command reads"):
        output(link, force=True, reads=(str(source),))


def test_a_symbolic_link_is_followed_only_within_its_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "victim.txt").write_text("keep")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "report.json").symlink_to(elsewhere / "victim.txt")
    with pytest.raises(InputError, match="symbolic link out of its folder"):
        output(folder / "report.json", force=True)
    assert (elsewhere / "victim.txt").read_text() == "keep"
    (folder / "real.json").write_text("")
    (folder / "near.json").symlink_to(folder / "real.json")
    output(folder / "near.json", force=True).write("{}")
    assert (folder / "real.json").read_text() == "{}" and (folder / "near.json").is_symlink()


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_name_is_refused(name: str) -> None:
    with pytest.raises(InputError, match="--output-file is empty"):
        output(name)


def test_a_device_is_written_as_it_is() -> None:
    if not os.path.exists(os.devnull):
        pytest.skip("no null device")
    output(os.devnull).write("{}")  # no --force, no rename over /dev/null
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()
