"""The installed app, not the checkout: a wheel built from this tree, installed into a folder of its
own and run from another folder, opens every lesson, finds its icon and stylesheet, trains a bundled
example by name; and the desktop entry lands under $XDG_DATA_HOME."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from setuptools import find_packages

REPO = Path(__file__).resolve().parents[1]

INSTALLED_CHECK = r"""
import os, sys
from pathlib import Path
site = Path(sys.argv[1]).resolve()
import engine, gui
assert Path(engine.__file__).resolve().is_relative_to(site), engine.__file__
assert Path(gui.__file__).resolve().is_relative_to(site), gui.__file__
from engine.session.assets import asset, assets_dir
assert assets_dir().resolve().is_relative_to(site), assets_dir()
from PySide6.QtWidgets import QApplication
app = QApplication([])
from gui.main_window import MainWindow, app_icon
assert not app_icon().isNull()
assert asset("style.qss").read_text() == (Path(sys.argv[3]) / "style.qss").read_text()
from engine.session.lessons import LESSONS
window = MainWindow()
for lesson in LESSONS:
    assert window.lessons.open_lesson(lesson.id), (lesson.id, window.last_message)
    assert window.lessons.current is lesson and "Cannot" not in window.last_message, window.last_message
window.close()
from gui.launch import main
code = main(["train", "linear-regression", "--steps", "5", "--no-plots", "--quiet", "--out", sys.argv[2]])
assert code == 0, code
print("installed app OK")
"""


def test_every_package_of_the_tree_is_in_the_wheel():
    listed = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    in_tree = find_packages(str(REPO), include=["engine*", "gui*"])
    assert sorted(set(in_tree) - set(listed)) == [], "add these packages to [tool.setuptools] packages"
    assert "gradstudio_assets" in listed


def test_the_installed_wheel_opens_every_lesson_from_another_folder(tmp_path):
    source = tmp_path / "source"   # a copy, so the build leaves no build/ or egg-info in the checkout
    ignore = shutil.ignore_patterns("__pycache__", "*.png", ".numba-cache", "build", "*.egg-info")
    for name in ("engine", "gui", "assets"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", tmp_path / "dist",
                    source], check=True, capture_output=True, timeout=120)
    wheel, = (tmp_path / "dist").glob("gradstudio-*.whl")
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "-q", "--target", site, wheel], check=True,
                   capture_output=True, timeout=120)
    assert not (site / "assets").exists(), "assets/ must be installed as gradstudio_assets, not a top-level assets/"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH",)}
    env.update(PYTHONPATH=str(site), QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"))
    result = subprocess.run([sys.executable, "-c", INSTALLED_CHECK, site, elsewhere / "run", REPO / "assets"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "installed app OK" in result.stdout
    assert (elsewhere / "run" / "weights.safetensors").is_file()


def test_install_desktop_entry_writes_a_desktop_file_and_its_icon(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("DISPLAY", None)
    result = subprocess.run([sys.executable, "-m", "gui.launch", "--install-desktop-entry"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    entry = tmp_path / "data" / "applications" / "gradstudio.desktop"
    fields = dict(line.split("=", 1) for line in entry.read_text().splitlines()[1:] if "=" in line)
    assert entry.read_text().startswith("[Desktop Entry]\n")
    assert fields["Type"] == "Application" and fields["Name"] == "GradStudio"
    icon = Path(fields["Icon"])
    assert icon.is_file() and icon.is_relative_to(tmp_path / "data") and icon.read_bytes().startswith(b"<")
    assert fields["Exec"].endswith(" %f")


def test_build_outputs_are_ignored_by_git():
    ignored = (REPO / ".gitignore").read_text().split()
    assert "dist/" in ignored and "build/" in ignored
