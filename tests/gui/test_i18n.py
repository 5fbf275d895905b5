"""Every user-visible string goes through Qt's translation machinery, and Chinese covers all of them."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gui.translations import update
from tests.gui.i18n_check import english_words, lrelease_bytes, raw_strings, ts_problems, ts_sources

ROOT = Path(__file__).resolve().parents[2]
GROUPED = [(group, name) for group, files in update.GROUPS.items() for name in files]
# A group is checked once its translation exists (the groups were converted one by one).
ACTIVE = [(language, group) for language in update.LANGUAGES for group in update.GROUPS
          if update.ts_path(language, group).exists()]
GUI_FILES = [name for group, name in GROUPED if name.startswith("gui/") and any(g == group for _, g in ACTIVE)]


@pytest.mark.parametrize("name", GUI_FILES)
def test_gui_strings_go_through_tr(name):
    assert raw_strings(ROOT / name) == []


def test_each_file_is_in_one_group():
    names = [name for _, name in GROUPED]
    assert len(names) == len(set(names)), "a file is in two translation groups"
    assert all((ROOT / name).is_file() for name in names)


@pytest.mark.parametrize("language,group", ACTIVE)
def test_translation_covers_every_string(language, group, tmp_path):
    ts = update.ts_path(language, group)
    assert ts.is_file(), f"run python gui/translations/update.py to create {ts.name}"
    assert ts_problems(ts) == []
    # A fresh lupdate over the sources finds no string the committed .ts lacks.
    fresh = tmp_path / ts.name
    shutil.copy(ts, fresh)
    update.lupdate(group, fresh, language)
    assert ts_sources(fresh) - ts_sources(ts) == set(), "new strings: run gui/translations/update.py"
    assert ts_problems(fresh) == []


@pytest.mark.parametrize("language,group", ACTIVE)
def test_compiled_translation_is_up_to_date(language, group, tmp_path):
    ts = update.ts_path(language, group)
    assert lrelease_bytes(ts, tmp_path / "fresh.qm") == ts.with_suffix(".qm").read_bytes(), \
        "stale .qm: run python gui/translations/update.py --compile"


def test_session_text_is_english_until_a_translator_is_installed():
    from engine.session import i18n

    assert i18n.translate("lessons", "Loss") == "Loss"
    i18n.install(lambda context, text: f"[{context}] {text}")
    try:
        assert i18n.translate("lessons", "Loss") == "[lessons] Loss"
    finally:
        i18n.install(None)
    assert i18n.QT_TRANSLATE_NOOP("lessons", "Loss") == "Loss"


def test_the_checks_catch_untranslated_text(tmp_path):
    source = tmp_path / "widget.py"
    source.write_text("label.setText('Learning rate')\n"
                      "label.setText(self.tr('Learning rate'))\n"
                      "button = QPushButton(f'Step {n}')\n"
                      "button = QPushButton(self.tr('Step {0}').format(n))\n"
                      "label.setText('×')\n"
                      "bar.showMessage('Saved ' + name, 3000)\n")
    assert [line.split(":")[1] for line in raw_strings(source)] == ["1", "3", "6"]
    assert english_words("学习率 (learning rate)") == ["learning", "rate"]
    assert english_words("<b>损失</b> MSELoss, x.grad = 7, Ctrl+S") == []


def test_every_gui_file_is_checked_and_every_group_translated():
    gui_files = sorted(f"gui/{path.name}" for path in (ROOT / "gui").glob("*.py") if path.name != "__init__.py")
    grouped = {name for _, name in GROUPED}
    assert [name for name in gui_files if name not in grouped] == []
    assert [(language, group) for language in update.LANGUAGES for group in update.GROUPS
            if not update.ts_path(language, group).exists()] == []
    assert set(GUI_FILES) == set(gui_files)


def test_the_whole_window_speaks_chinese(qtbot):
    """Every tab, dock, menu and lesson view of the main window, walked after switching to Chinese."""
    from PySide6.QtWidgets import QApplication

    from gui import i18n
    from tests.gui.conftest import shown_window
    from tests.gui.i18n_check import visible_english

    windows = shown_window(qtbot)
    window = next(windows)
    for lesson in ("05-derivative-as-limit", "10-dice", "11-loss-landscape"):
        window.lessons.open_lesson(lesson)
    i18n.set_language("zh_CN")
    QApplication.processEvents()
    # names of the user's own things and code words that stay as they are
    keep = ("MLP", "tan", "while", "detach", "Python", "backward", "NaN", "Inf", "TensorBoard", "dpi",
            "loss", "prediction")  # the training graph's tensor names
    try:
        assert visible_english(window, keep=keep) == []
        assert window.menuBar().actions()[0].text() == "文件(&F)"
    finally:
        windows.close()


@pytest.mark.parametrize("locale, expected", [("zh_CN.UTF-8", "zh_CN"), ("zh_TW.UTF-8", "zh_CN"),
                                              ("en_US.UTF-8", "en"), ("de_DE.UTF-8", "en"), ("C.UTF-8", "en")])
def test_the_first_start_follows_the_system_locale(locale, expected, tmp_path):
    """With no saved choice the language is the system's (any Chinese locale: Simplified Chinese)."""
    import os
    import subprocess
    import sys

    program = ("from PySide6.QtCore import QCoreApplication, QSettings\n"
               "app = QCoreApplication([])\n"
               f"QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {str(tmp_path)!r})\n"
               "QSettings.setDefaultFormat(QSettings.Format.IniFormat)\n"
               "from gui import i18n\n"
               "print(i18n.system_language(), i18n.saved_language())\n")
    env = {**os.environ, "LANG": locale, "LC_ALL": locale, "LANGUAGE": ""}
    out = subprocess.run([sys.executable, "-c", program], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [expected, expected]
