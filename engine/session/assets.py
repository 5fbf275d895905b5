"""Where GradStudio's run-time assets (lesson and example session files, icon, stylesheet) are: the
top-level assets/ folder of a source checkout, or the `gradstudio_assets` package a wheel installs."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGE = "gradstudio_assets"  # pyproject.toml maps assets/ into the wheel under this name
_CHECKOUT = Path(__file__).resolve().parents[2] / "assets"


def assets_dir() -> Path:
    """The assets folder. A source checkout's own assets/ wins, so a checkout never reads the assets of
    another (for instance an older editable install); otherwise the installed package's."""
    if (_CHECKOUT / "gradstudio.svg").is_file():
        return _CHECKOUT
    # Wheels install unzipped, so the package's files are real files Qt can open by path.
    return Path(str(resources.files(PACKAGE)))


def asset(name: str) -> Path:
    return assets_dir() / name


def examples_dir() -> Path:
    return assets_dir() / "examples"
