"""The app's name, icon and settings file, shared by the window and its panels, and the window's
saved layout (geometry, docks and toolbars)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow

from engine.session.assets import asset

ORGANIZATION = "GradStudio"
APPLICATION = "GradStudio"


def app_icon() -> QIcon:
    return QIcon(str(asset("gradstudio.svg")))


def app_settings() -> QSettings:
    # Ini format everywhere, so tests (and users) can point it at a directory with QSettings.setPath.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def restore_layout(window: QMainWindow, settings: QSettings, version: int) -> None:
    """The geometry, docks and toolbars saved by `save_layout`; one saved under another `version` is ignored."""
    geometry, state = settings.value("window/geometry"), settings.value("window/state")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    if isinstance(state, QByteArray):
        window.restoreState(state, version)


def save_layout(window: QMainWindow, settings: QSettings, version: int) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState(version))
    settings.sync()
