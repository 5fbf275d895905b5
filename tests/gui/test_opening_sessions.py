"""Opening a session, however it is opened: a lesson file opens as its lesson (File → Open, the command
line, a copy elsewhere), and another session leaves nothing of the old one behind — no lesson panel
or view, no debugger walk, no gallery in front of it."""
from __future__ import annotations

import shutil

from engine.session.lessons import EXAMPLES_DIR, lesson_by_id
from engine.session.session_file import write_session_file
from gui.examples import examples


def test_a_lesson_file_opened_by_path_from_another_folder_is_the_lesson(window, tmp_path):
    copy = tmp_path / "my copy.json"
    shutil.copy(EXAMPLES_DIR / "05-derivative-as-limit.json", copy)
    assert window.session_files.open_path(copy, ask=False)
    lessons = window.lessons
    assert lessons.current is lesson_by_id("05-derivative-as-limit")
    assert lessons.dock.isVisible() and "Derivative" in lessons.panel.title.text()
    assert window.tabs.currentWidget() is lessons.view is lessons.views["derivative"]


def test_another_session_closes_the_old_lesson_and_clears_the_debugger(qtbot, window, tmp_path):
    lessons, bench = window.lessons, window.workbench
    assert lessons.open_lesson("01-linear-regression")
    window.step_once()
    qtbot.waitUntil(lambda: window.trainer.step == 1 and window.run.control.asleep, timeout=20_000)
    bench.debugger.start()
    bench.debugger.step()
    assert bench.debugger.debugger.records and lessons.dock.isVisible()
    window.stop_training()
    qtbot.waitUntil(lambda: window.run is None, timeout=20_000)
    mlp = next(config for config in examples() if config.model.kind == "mlp")
    path = write_session_file(tmp_path / "mlp.json", mlp)
    assert window.session_files.open_path(path, ask=False)
    assert lessons.current is None and not lessons.dock.isVisible() and lessons.view is None
    panel = bench.debugger
    assert not panel.debugger.started and not panel.debugger.records and panel.order.count() == 0
    assert panel.model is None or panel.model in bench._training_models
    assert "Walk" not in panel.status.text() and "Finished" not in panel.status.text()


def test_the_examples_menu_also_closes_an_open_lesson(window):
    assert window.lessons.open_lesson("05-derivative-as-limit")
    window.open_example(examples()[1])
    assert window.lessons.current is None and not window.lessons.dock.isVisible()


def test_a_session_opened_at_first_launch_is_not_hidden_behind_the_gallery(window, tmp_path):
    """The first launch puts the Lessons gallery in front; a session given on the command line must win."""
    window.tabs.setCurrentWidget(window.lessons.gallery)
    path = write_session_file(tmp_path / "cubic.json", examples()[1])
    assert window.session_files.open_path(path, ask=False)
    assert window.tabs.currentWidget() is window.training_tab


def test_export_into_a_folder_of_other_files_asks_first_and_keeps_them(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from gui.export_dialog import ExportOptions

    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("my project\n")
    asked = []

    def answer(choice):
        def question(parent, title, text, *args):
            asked.append(text)
            return choice
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    options = ExportOptions(project, plots=[], history=True, session=False, readme=True)
    assert window.session_files.export_with(options) == []
    assert asked and "README.md" in asked[0]
    assert sorted(path.name for path in project.iterdir()) == ["README.md"]
    assert (project / "README.md").read_text() == "my project\n"
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert window.session_files.export_with(options)
    assert (project / ".gradstudio-run").is_file()
    asked.clear()
    assert window.session_files.export_with(options)   # a run folder now: no question
    assert asked == []
