"""The lessons in Chinese: the gallery, every lesson's explanation in the dock and the lessons' own
views switch language live, and back to English, without losing what they show."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from engine.session.lessons import LESSONS, lesson_by_id
from tests.gui.i18n_check import english_words, visible_english

# Code words the Chinese texts rightly keep: `while` (the loop), detach() and Python (the language).
KEEP = ("while", "detach", "Python")


def switch(code: str) -> None:
    from gui import i18n

    i18n.set_language(code)
    QApplication.processEvents()   # deliver the LanguageChange events


def test_gallery_tab_and_menu_switch_to_chinese_and_back(window):
    lessons, tabs = window.lessons, window.tabs
    switch("zh_CN")
    gallery = lessons.gallery
    assert visible_english(gallery, keep=KEEP) == []
    assert "<h2>课程</h2>" in gallery.heading.text()
    assert gallery.cards[1].title.text() == "<b>2. 自动微分基础</b>"
    assert gallery.cards[2].title.text() == "<b>3. detach() 与 .data</b>"
    assert gallery.cards[9].description.text() == "均匀骰子各点数出现的频率收敛到 1/6。"
    assert gallery.cards[0].toolTip() == "打开这一课"
    assert tabs.tabText(tabs.indexOf(gallery)) == "课程"
    assert lessons.dock.windowTitle() == "课程讲解"
    assert lessons.dock.toggleViewAction().text() == "课程讲解"
    texts = [action.text() for action in lessons.actions]
    assert texts[0] == "1. 线性回归：实时训练" and texts[10] == "11. 损失曲面"
    assert all(english_words(text, KEEP) == [] for text in texts)
    assert lessons.all_lessons_action.text() == "全部课程…"
    assert lessons.panel.plain_text() == "请从“课程”标签页或“示例”菜单打开一课。"

    switch("en")
    assert gallery.cards[1].title.text() == "<b>2. Autograd basics</b>"
    assert gallery.cards[9].description.text() == LESSONS[9].description
    assert "<h2>Lessons</h2>" in gallery.heading.text()
    assert tabs.tabText(tabs.indexOf(gallery)) == "Lessons"
    assert lessons.dock.windowTitle() == "Lesson"
    assert [action.text() for action in lessons.actions] == [
        f"{n}. {lesson.title}" for n, lesson in enumerate(LESSONS, start=1)]
    assert lessons.all_lessons_action.text() == "All lessons…"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_each_lesson_is_explained_in_chinese(window, lesson):
    switch("zh_CN")
    assert window.lessons.open_lesson(lesson.id)
    panel = window.lessons.panel
    text = panel.plain_text()
    assert text and english_words(text, KEEP) == [], english_words(text, KEEP)
    assert "看什么" in text or "试一试" in text
    assert "\n\n" not in text and "  " not in text   # paragraphs joined without stray spaces
    assert visible_english(window.lessons.dock, keep=KEEP) == []
    # the code in the explanation stays code
    for token in ("x.grad", "y.backward()", "retain_graph=True", "register_hook", "MulBackward0"):
        if token in lesson.explanation:
            assert token in text

    switch("en")
    english = panel.plain_text()
    assert english_words(english) != []
    assert " ".join(lesson.explanation.split()[:6]) in english
    assert lesson.title in panel.title.text()


def test_the_explanation_switches_while_the_lesson_is_open(window):
    window.lessons.open_lesson("02-autograd-basics")
    panel = window.lessons.panel
    assert "x.grad is 7" in panel.plain_text()
    switch("zh_CN")
    assert "调用 y.backward() 之后，x.grad 就是 7" in panel.plain_text()
    assert panel.title.text() == "<h3>自动微分基础</h3>"
    switch("en")
    assert "x.grad is 7" in panel.plain_text() and panel.title.text() == "<h3>Autograd basics</h3>"


def test_lesson_views_in_chinese_and_back(window):
    tabs, lessons = window.tabs, window.lessons
    switch("zh_CN")
    lessons.open_lesson("05-derivative-as-limit")
    derivative = lessons.view
    assert tabs.tabText(tabs.currentIndex()) == "导数"
    assert visible_english(derivative, keep=KEEP) == []
    assert derivative.message.text().startswith("自动微分：f'(1) = 2    切线：y = 2·x -3")
    assert derivative.table.horizontalHeaderItem(2).text() == "− 自动微分"

    lessons.open_lesson("10-dice")
    dice = lessons.view
    dice.finish()
    assert tabs.tabText(tabs.currentIndex()) == "骰子"
    assert visible_english(dice, keep=KEEP) == []
    assert dice.message.text().startswith("掷 5,000 次后：")
    assert dice.roll_button.text() == "掷骰子"

    lessons.open_lesson("11-loss-landscape")
    landscape = lessons.view
    landscape.finish()
    assert tabs.tabText(tabs.currentIndex()) == "损失曲面"
    assert visible_english(landscape, keep=KEEP) == []
    assert landscape.message.text().startswith("第 500 步   最小值 (")
    assert "动量法: (" in landscape.message.text()
    assert landscape.plot.getPlotItem().titleLabel.text == "损失随 (w, b) 的变化"

    switch("en")   # with the landscape in front and the other two views hidden
    assert tabs.tabText(tabs.currentIndex()) == "Loss landscape"
    assert landscape.message.text().startswith("step 500   SGD: (")
    assert "momentum: (" in landscape.message.text()
    assert landscape.plot.getPlotItem().titleLabel.text == "Loss over (w, b)"
    legend = [label.text for _, label in landscape.plot.getPlotItem().legend.items]
    assert legend == ["minimum", "SGD", "momentum", "Adam", "your run"]
    assert dice.roll_button.text() == "Roll" and dice.message.text().startswith("after 5,000 rolls:")
    assert [label.text for _, label in dice.plot.getPlotItem().legend.items][0] == "face 1"
    lessons.open_lesson("05-derivative-as-limit")
    assert lessons.view is derivative and tabs.tabText(tabs.currentIndex()) == "Derivative"
    assert derivative.message.text().startswith("autograd: f'(1) = 2")
    assert derivative.x_label.text() == "at x ="


def test_view_errors_are_chinese_and_follow_the_language(qtbot):
    from engine.session import ModelConfig, SessionConfig
    from gui.lesson_views import DerivativeView, DiceView, LandscapeView

    switch("zh_CN")
    dice = DiceView()
    qtbot.addWidget(dice)
    dice.probs_field.setText("1/6, abc")
    dice.roll()
    assert dice.message.text() == "无法掷骰子：概率应写成数字或分数，例如 1/6"
    dice.probs_field.setText("-1, 0")
    dice.roll()
    assert dice.message.text() == "无法掷骰子：概率必须是至少两个 ≥ 0 的数，且不能全为 0"
    derivative = DerivativeView()
    qtbot.addWidget(derivative)
    derivative.h_field.setText("0")
    derivative.refresh()
    assert derivative.message.text() == "无法计算：h 必须是大于 0 的数"
    landscape = LandscapeView()
    qtbot.addWidget(landscape)
    assert not landscape.set_config(SessionConfig(model=ModelConfig(kind="polynomial", degree=3)))
    assert landscape.message.text() == "无法绘制该损失曲面：损失曲面需要恰好有两个标量参数的模型"

    switch("en")   # the messages say it again in English
    assert dice.message.text() == ("Cannot roll: the probabilities must be two or more numbers ≥ 0, not all 0")
    assert derivative.message.text() == "Cannot compute: h must be a number > 0"
    assert landscape.message.text() == ("Cannot draw this landscape: "
                                        "the loss landscape needs a model with exactly two scalar parameters")
    assert landscape.plot.getPlotItem().titleLabel.text == "Loss over (w, b)"


def test_lesson_titles_are_marked_for_translation():
    """The engine's lesson texts stay English (the session files and the headless command use them)."""
    lesson = lesson_by_id("02-autograd-basics")
    assert lesson.title == "Autograd basics" and lesson.explanation.startswith("x = 2 and y = x²")
