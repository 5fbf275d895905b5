"""The "Why a hidden layer" lesson's view: a linear model and a 2→4→1 tanh network learning
exclusive-or side by side, replayed step by step from runs the engine made."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.session.lessons import XOR_CONFIG, hidden_layer_race
from engine.session.trainer import Trainer

from gui.boundary_view import BoundaryView
from gui.i18n import Retranslatable

FRAME_MS = 120


class HiddenLayerView(Retranslatable, QWidget):
    """Two decision boundaries, linear (left) and with a hidden layer (right), replayed together."""

    def __init__(self) -> None:
        super().__init__()
        self.frames = hidden_layer_race(XOR_CONFIG)
        self.sides = [BoundaryView(), BoundaryView()]
        self.titles = [QLabel(), QLabel()]
        self.message = QLabel()
        self.replay_button = QPushButton()
        self.replay_button.clicked.connect(self.replay)
        controls = QHBoxLayout()
        controls.addWidget(self.message, 1)
        controls.addWidget(self.replay_button)
        pair = QHBoxLayout()
        data = Trainer(XOR_CONFIG, engine_kind="eager")   # the points both runs train on (no training here)
        for title, side in zip(self.titles, self.sides):
            side.set_data(data.points, data.labels, data.train_index, data.test_index, data.problem, data.classes,
                          data.boundary_extent)
            column = QVBoxLayout()
            column.addWidget(title)
            column.addWidget(side, 1)
            pair.addLayout(column)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(pair, 1)
        self.shown = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._advance)
        self.retranslate_ui()
        self.replay()

    def retranslate_ui(self) -> None:
        self.titles[0].setText(self.tr("<b>Linear model</b> (no hidden layer)"))
        self.titles[1].setText(self.tr("<b>2 → 4 → 1</b>, tanh"))
        self.replay_button.setText(self.tr("Replay"))
        self._show_message()

    def replay(self) -> None:
        self.shown = 0
        self.draw(0)
        self.timer.start(FRAME_MS)

    def finish(self) -> None:
        self.timer.stop()
        self.shown = len(self.frames) - 1
        self.draw(self.shown)

    def _advance(self) -> None:
        self.shown = min(self.shown + 1, len(self.frames) - 1)
        self.draw(self.shown)
        if self.shown == len(self.frames) - 1:
            self.timer.stop()

    def draw(self, index: int) -> None:
        _, linear, network = self.frames[index]
        for side, snapshot in zip(self.sides, (linear, network)):
            side.accuracy.clear()
            for frame in self.frames[:index + 1]:
                side.accuracy.append(frame[1 if side is self.sides[0] else 2].evaluation)
            side.show_snapshot(snapshot)
        self._show_message()

    def _show_message(self) -> None:
        step, linear, network = self.frames[self.shown]
        self.message.setText(self.tr("step {0}: test accuracy {1:.0f}% without a hidden layer, {2:.0f}% with one")
                             .format(step, 100 * linear.evaluation.test_accuracy,
                                     100 * network.evaluation.test_accuracy))
