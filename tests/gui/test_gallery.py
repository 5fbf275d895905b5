"""The start page lists the lessons; clicking one (or its Examples entry) opens its session, fills the
scratchpad without running it, shows its explanation and brings its view to the front."""
from PySide6.QtCore import Qt

from engine.session.lessons import LESSONS, lesson_by_id, scratchpad_text


def test_gallery_lists_the_twelve_lessons(window):
    gallery = window.lessons.gallery
    assert len(gallery.cards) == 12
    assert [card.lesson.id for card in gallery.cards] == [lesson.id for lesson in LESSONS]
    assert "Autograd basics" in gallery.cards[1].title.text()
    assert gallery.cards[1].description.text() == LESSONS[1].description


def test_first_launch_starts_at_the_gallery_and_later_ones_do_not(qtbot, window):
    from gui.main_window import MainWindow

    assert window.tabs.currentWidget() is window.lessons.gallery
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.tabs.currentWidget() is not again.lessons.gallery
    again.close()


def test_clicking_a_card_opens_the_lesson_and_fills_the_scratchpad(qtbot, window):
    card = window.lessons.gallery.cards[1]
    window.tabs.setCurrentWidget(window.lessons.gallery)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    lesson = lesson_by_id("02-autograd-basics")
    assert window.lessons.current == lesson
    assert window.workbench.scratchpad.text() == scratchpad_text(lesson)
    assert not window.workbench.scratchpad.running   # shown, never run by opening
    assert window.tabs.currentWidget() is window.workbench.graph
    assert window.lessons.dock.isVisible()
    assert "x.grad is 7" in window.lessons.panel.plain_text()
    assert window.session_name == "Autograd basics"
    assert window.session_files.path is None   # Save will not overwrite the lesson's file
    assert window.session_files.recent_files() == []   # nor is it offered as a recent file


def test_examples_menu_lists_every_lesson_first(window):
    texts = [action.text() for action in window.examples_menu.actions()]
    assert texts[:12] == [f"{n}. {lesson.title}" for n, lesson in enumerate(LESSONS, start=1)]
    assert "Linear regression" in texts   # the training examples stay, below the lessons
    window.lessons.actions[0].trigger()
    assert window.lessons.current.id == "01-linear-regression"
    assert window.tabs.currentIndex() == 0 and window.trainer is not None


def test_every_lesson_opens(window):
    for lesson in LESSONS:
        assert window.lessons.open_lesson(lesson.id), window.last_message
        assert window.trainer is not None and not window.errors
        assert window.windowTitle().startswith(lesson.title)


def test_lessons_with_their_own_view_open_it_in_a_tab(window):
    tabs = window.tabs
    window.lessons.open_lesson("05-derivative-as-limit")
    view = window.lessons.view
    assert tabs.currentWidget() is view and tabs.tabText(tabs.currentIndex()) == "Derivative"
    assert abs(view.quotients[-1][1] - 2) < 1e-3 and view.exact == 2.0
    window.lessons.open_lesson("10-dice")
    assert tabs.indexOf(view) == -1   # one lesson view at a time
    assert tabs.tabText(tabs.currentIndex()) == "Dice"
    window.lessons.open_lesson("02-autograd-basics")
    assert window.lessons.view is None and tabs.count() == 4



def test_training_from_the_lessons_tab_brings_the_training_plots_forward(qtbot, window):
    window.tabs.setCurrentWidget(window.lessons.gallery)
    window.training_editor.steps.setValue(5)
    window.toggle_training()
    assert window.tabs.currentIndex() == 0 and window.tabs.tabText(0) == "Training"
    qtbot.waitUntil(lambda: window.run is None, timeout=30_000)
