"""``scratchdl.files.atomic_write``: the one way the project writes a file."""

import os

import pytest

from scratchdl.files import atomic_write, file_mode


def _listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_clean_exit_replaces_the_target_with_the_umask_mode(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    old_umask = os.umask(0o027)
    try:
        with atomic_write(target, "wb") as f:
            f.write(b"new bytes")
        assert target.read_bytes() == b"new bytes"
        assert target.stat().st_mode & 0o777 == 0o640 == file_mode()
    finally:
        os.umask(old_umask)
    assert _listing(tmp_path) == ["out.bin"]


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_an_exception_keeps_the_old_file_and_leaves_no_temporary(tmp_path, error):
    target = tmp_path / "model.keras"
    target.write_bytes(b"the good model")
    with pytest.raises(type(error)), atomic_write(target, "wb") as f:
        f.write(b"half of")
        raise error
    assert target.read_bytes() == b"the good model"
    assert _listing(tmp_path) == ["model.keras"]


def test_text_mode_writes_utf8_and_sync_creates_parents(tmp_path):
    target = tmp_path / "a" / "b" / "report.md"
    with atomic_write(target, "w", sync=True) as f:
        f.write("정확도 0.97\n")
    assert target.read_text(encoding="utf-8") == "정확도 0.97\n"


def test_a_missing_folder_is_an_error_when_parents_are_not_made(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_write(tmp_path / "no" / "f", make_parents=False):
        pass
    assert _listing(tmp_path) == []


def test_an_unknown_mode_is_refused_before_anything_is_written(tmp_path):
    expected = "mode must be 'wb' or 'w', received 'ab'"
    with pytest.raises(ValueError, match=expected), atomic_write(tmp_path / "f", "ab"):
        pass
    assert _listing(tmp_path) == []
