"""GUI fixtures: settings in a temp dir and a main window that is always shut down."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def settings_dir(tmp_path, monkeypatch):
    """Point QSettings (ini format) at a fresh directory, so tests never see a user's saved layout."""
    from PySide6.QtCore import QSettings

    path = tmp_path / "settings"
    path.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(path))
    return path


@pytest.fixture(autouse=True)
def english_afterwards():
    """A test that switches the interface language leaves English behind for the next."""
    yield
    from gui import i18n

    if i18n.current_language() != i18n.DEFAULT:
        i18n.set_language(i18n.DEFAULT)


def shown_window(qtbot):
    """A main window, shown; closed (which stops and joins its worker) when the test ends."""
    from gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def window(qtbot):
    yield from shown_window(qtbot)
