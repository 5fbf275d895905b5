"""The interface's languages: Qt translators for the chosen language, and the default.

Every user-visible string in gui/ goes through Qt's tr()/QCoreApplication.translate(); the
Simplified Chinese texts live in gui/translations/zh_CN/*.ts (edited with Qt Linguist or by
hand) and are compiled to the .qm files loaded here (`python gui/translations/update.py`).
Installing a translator sends every widget a LanguageChange event: widgets rebuild their
texts in `retranslate_ui()`, so switching needs no restart and loses nothing.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QSettings, QTranslator

from engine.session import i18n as session_i18n

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}  # each named in its own language
DEFAULT = "en"
TRANSLATIONS = Path(__file__).with_name("translations")
SETTING = "view/language"
# One settings file: QSettings() (the language, the export choices) opens the same GradStudio.ini as the
# window's app_settings(), not a GradStudio.conf beside it.
QSettings.setDefaultFormat(QSettings.Format.IniFormat)

_installed: list[QTranslator] = []
_current = DEFAULT


class Retranslatable:
    """Mixed into a widget class, before its Qt base: `retranslate_ui()` runs again whenever the
    interface language changes (the class sets its texts there)."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


def system_language() -> str:
    """The system locale's language if we have it (any Chinese locale → Simplified), else English."""
    name = QLocale.system().name()
    return "zh_CN" if name.startswith("zh") else DEFAULT


def saved_language(settings: QSettings | None = None) -> str:
    value = str((settings or QSettings()).value(SETTING, "") or "")
    if not value:   # chosen before the settings were one file: it is in GradStudio.conf
        app = QCoreApplication.instance()
        older = QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, app.organizationName(),
                          app.applicationName())
        value = str(older.value(SETTING, "") or "")
    return value if value in LANGUAGES else system_language()


def current_language() -> str:
    return _current


def translation_files(code: str) -> list[Path]:
    return sorted((TRANSLATIONS / code).glob("*.qm"))


def set_language(code: str) -> None:
    """Install the translators for `code` (replacing the previous ones); English needs none."""
    global _current
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; choose one of {', '.join(LANGUAGES)}")
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code != DEFAULT:
        # Qt's own strings first (standard dialog buttons), then ours.
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        files = [Path(qt_dir) / f"qtbase_{code}.qm", *translation_files(code)]
        for path in files:
            translator = QTranslator(app)
            if translator.load(str(path)):
                app.installTranslator(translator)
                _installed.append(translator)
    _current = code
    session_i18n.install(None if code == DEFAULT else QCoreApplication.translate)
