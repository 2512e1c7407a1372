"""Small file systems for the tests of a full disk and a read-only folder.

Mounting a tmpfs needs root (or CAP_SYS_ADMIN); where that is not allowed the
tests that need one are skipped with the reason."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _mount(target: Path, options: str) -> str | None:
    """Mount a tmpfs at `target`; returns why not, or None when mounted."""
    if shutil.which("mount") is None:
        return "no mount command on this machine"
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return f"cannot mount a tmpfs here ({result.stderr.strip() or 'not allowed'})"
    return None


def _unmount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], check=False)


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs; `fill(path)` then takes every free byte of it."""
    target = tmp_path / "disk"
    target.mkdir()
    if (why := _mount(target, "size=2m")) is not None:
        pytest.skip(f"full-disk test needs a small tmpfs: {why}")
    try:
        yield target
    finally:
        _unmount(target)


def fill(folder: Path) -> None:
    """Write into `folder` until the disk is full."""
    chunk = b"\0" * 65536
    with open(folder / "filler", "wb", buffering=0) as filler:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    filler.write(chunk[:size])
            except OSError:
                continue
    assert os.statvfs(folder).f_bavail == 0


@pytest.fixture
def read_only_folder(tmp_path):
    """`make(setup)`: a folder that `setup(folder)` fills, then made read-only
    for this process (a read-only mount for root, who ignores permissions)."""
    folders = []

    def make(setup=lambda folder: None) -> Path:
        folder = tmp_path / f"read-only-{len(folders)}"
        folder.mkdir()
        if os.geteuid() != 0:
            setup(folder)
            folder.chmod(0o555)
            folders.append((folder, False))
            return folder
        if (why := _mount(folder, "size=4m")) is not None:
            pytest.skip(f"as root, a read-only folder needs a tmpfs mount: {why}")
        folders.append((folder, True))
        setup(folder)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        return folder

    yield make
    for folder, mounted in folders:
        if mounted:
            _unmount(folder)
        else:
            folder.chmod(0o755)
