"""The Training tab: the Fit, Loss and Parameters plots side by side, and how each trainer, snapshot,
update and restored history is drawn in them."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter

from engine.session import SessionConfig, Snapshot, Trainer

from gui.plots import FitPlot, LossPlot, ParametersPlot
from gui.worker import TrainingUpdate


class TrainingPlots(QSplitter):
    """Fit and Loss on top, Parameters (and gradient norms) below."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.loss_plot, self.fit_plot, self.params_plot = LossPlot(), FitPlot(), ParametersPlot()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.fit_plot)
        top.addWidget(self.loss_plot)
        self.addWidget(top)
        self.addWidget(self.params_plot)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        for splitter in (top, self):
            splitter.setChildrenCollapsible(False)
            splitter.setHandleWidth(6)

    def plot_widgets(self) -> dict[str, pg.PlotWidget]:
        """The plots a user can save as pictures, by file name."""
        return {"loss": self.loss_plot.plot, "fit": self.fit_plot.plot, "parameters": self.params_plot.values_plot,
                "gradient_norms": self.params_plot.grads_plot}

    def start_over(self, config: SessionConfig) -> None:
        """Empty plots, shaped for the model and loss of `config`."""
        self.loss_plot.clear()
        self.params_plot.configure(config.model.kind)
        self.loss_plot.set_loss_name("MSE" if config.training.loss == "mse" else "½·SSE")

    def show_trainer(self, trainer: Trainer | None, config: SessionConfig | None) -> None:
        """The data (and the true curve) a trainer fits; none: empty."""
        if trainer is None:
            empty = np.empty(0)
            self.fit_plot.set_data(empty, empty, None, None)
            return
        labels = (config.data.x_column or "x", config.data.y_column or "y") if config.data.source == "csv" else ("x", "y")
        self.fit_plot.set_data(trainer.data_x, trainer.data_y, trainer.truth_x, trainer.truth_y, labels)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.fit_plot.set_fit(snapshot.grid_x, snapshot.grid_pred)

    def show_update(self, update: TrainingUpdate) -> None:
        self.loss_plot.append(update.steps, update.losses)
        self.show_snapshot(update.snapshot)
        self.params_plot.append(update.samples)

    def show_history(self, trainer: Trainer) -> None:
        """What a reopened run had reached: its loss and parameter history."""
        self.loss_plot.clear()
        self.loss_plot.append(trainer.history.column("step"), trainer.history.column("loss"))
        self.params_plot.show_history(trainer.history)

    def catch_up(self, trainer: Trainer | None) -> None:
        """Draw the losses in the trainer's history newer than the plotted ones."""
        if trainer is None or not len(trainer.history):
            return
        plotted = self.loss_plot.buffer.column(0)
        last = plotted[-1] if len(plotted) else 0
        steps = trainer.history.column("step")
        newer = steps > last
        if newer.any():
            self.loss_plot.append(steps[newer], trainer.history.column("loss")[newer])

    def settle(self) -> None:
        """Fit the plots tightly to their data once it stops growing (the live headroom is no longer needed)."""
        self.loss_plot.follower.fit()
        for follower in self.params_plot.followers:
            follower.fit()
