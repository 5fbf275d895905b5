"""The app's name, icon and settings file, shared by the window and its panels."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon

from engine.session.assets import asset

ORGANIZATION = "GradStudio"
APPLICATION = "GradStudio"


def app_icon() -> QIcon:
    return QIcon(str(asset("gradstudio.svg")))


def app_settings() -> QSettings:
    # Ini format everywhere, so tests (and users) can point it at a directory with QSettings.setPath.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)
