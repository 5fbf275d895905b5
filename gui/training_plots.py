"""The Training tab: the Fit (or, for 2-D data, the decision boundary), Loss and Parameters plots, the
Network view shown in a tab of its own for 2-D data, and how each trainer, snapshot, update and
restored history is drawn in them."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QSplitter, QTabWidget

from engine.session import SessionConfig, Snapshot, Trainer

from gui.boundary_view import BoundaryView
from gui.network_view import NetworkView
from gui.plots import FitPlot, LossPlot, ParametersPlot
from gui.worker import TrainingUpdate


class TrainingPlots(QSplitter):
    """Fit (or the boundary) and Loss on top, Parameters (and gradient norms) below; `network_view` gets
    a tab of its own while `plane` (the trainer's data are 2-D)."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.loss_plot, self.fit_plot, self.params_plot = LossPlot(), FitPlot(), ParametersPlot()
        self.boundary_view = BoundaryView()  # in place of the Fit plot for 2-D data
        self.network_view = NetworkView()
        self.plane = False
        self._tabs: QTabWidget | None = None
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.fit_plot)
        top.addWidget(self.boundary_view)
        self.boundary_view.hide()
        top.addWidget(self.loss_plot)
        self.addWidget(top)
        self.addWidget(self.params_plot)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        for splitter in (top, self):
            splitter.setChildrenCollapsible(False)
            splitter.setHandleWidth(6)

    def place_in(self, tabs: QTabWidget) -> None:
        """The Training tab; the Network tab beside it comes and goes with 2-D data (show_trainer)."""
        self._tabs = tabs
        tabs.addTab(self, "")
        self.network_view.setParent(tabs)   # owned (hidden) while no tab shows it
        self.network_view.hide()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        for widget, title in ((self, self.tr("Training")), (self.network_view, self.tr("Network"))):
            if self._tabs is not None and self._tabs.indexOf(widget) >= 0:
                self._tabs.setTabText(self._tabs.indexOf(widget), title)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def plot_widgets(self) -> dict[str, pg.PlotWidget]:
        """The plots a user can save as pictures, by file name."""
        fit = self.boundary_view.plot if not self.boundary_view.isHidden() else self.fit_plot.plot   # 2-D data: the boundary
        return {"loss": self.loss_plot.plot, "fit": fit, "parameters": self.params_plot.values_plot,
                "gradient_norms": self.params_plot.grads_plot}

    def start_over(self, config: SessionConfig) -> None:
        """Empty plots, shaped for the model and loss of `config`."""
        self.loss_plot.clear()
        self.params_plot.configure(config.model.kind)
        self.loss_plot.set_loss_name({"mse": "MSE", "bce_with_logits": "BCE", "cross_entropy": "CE"}
                                     .get(config.training.loss, "½·SSE"))

    def show_trainer(self, trainer: Trainer | None, config: SessionConfig | None) -> None:
        """The data (and the true curve) a trainer fits; none: empty."""
        if trainer is None:
            empty = np.empty(0)
            self.fit_plot.set_data(empty, empty, None, None)
            return
        labels = (config.data.x_column or "x", config.data.y_column or "y") if config.data.source == "csv" else ("x", "y")
        self.fit_plot.set_data(trainer.data_x, trainer.data_y, trainer.truth_x, trainer.truth_y, labels)
        self.plane = getattr(trainer, "points", None) is not None
        self.fit_plot.setVisible(not self.plane)
        self.boundary_view.setVisible(self.plane)
        if self.plane:
            self.boundary_view.set_data(trainer.points, trainer.labels, trainer.train_index, trainer.test_index,
                                        trainer.problem, trainer.classes, trainer.boundary_extent)
            self.network_view.set_network(config.data.features, config.model.hidden if config.model.kind == "mlp"
                                          else (), trainer.classes if trainer.problem == "multiclass" else 1)
        index = self._tabs.indexOf(self.network_view) if self._tabs is not None else -1
        if self.plane and index < 0 and self._tabs is not None:
            self._tabs.insertTab(self._tabs.indexOf(self) + 1, self.network_view, self.tr("Network"))
        elif not self.plane and index >= 0:
            self._tabs.removeTab(index)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self.fit_plot.set_fit(snapshot.grid_x, snapshot.grid_pred)
        self.boundary_view.show_snapshot(snapshot)
        self.network_view.show_snapshot(snapshot)
        self.loss_plot.append_evaluation(snapshot.evaluation)

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
