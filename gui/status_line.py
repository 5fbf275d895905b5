"""The status bar: step, loss, steps/s and the run's phase in permanent labels, and the one place
messages go (a non-blocking box besides for problems). Its texts keep the main window's translation
context, where they have always been translated."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QLabel, QMessageBox, QStatusBar, QWidget

from engine.session.run_state import Phase

from gui.worker import RunEnd


def phase_text(phase: Phase) -> str:
    """What the state label shows for a phase, in the interface language."""
    texts = {
        Phase.READY: QCoreApplication.translate("MainWindow", "Ready"),
        Phase.TRAINING: QCoreApplication.translate("MainWindow", "Training", "state: training is running"),
        Phase.PAUSED: QCoreApplication.translate("MainWindow", "Paused"),
        Phase.STOPPED: QCoreApplication.translate("MainWindow", "Stopped"),
        Phase.FINISHED: QCoreApplication.translate("MainWindow", "Finished"),
        Phase.DIVERGED: QCoreApplication.translate("MainWindow", "Diverged"),
        Phase.INVALID: QCoreApplication.translate("MainWindow", "Invalid settings"),
        Phase.PREPARING: QCoreApplication.translate("MainWindow", "Preparing…", "state: the model and data are being built"),
    }
    return texts[phase]


class StatusLine(QObject):
    """Owns the status bar's labels and message box; `window` parents the box."""

    def __init__(self, window: QWidget, bar: QStatusBar) -> None:
        super().__init__(window)
        self.window, self.bar = window, bar
        self.state_label, self.step_label, self.loss_label, self.rate_label = (QLabel() for _ in range(4))
        for label in (self.step_label, self.loss_label, self.rate_label, self.state_label):
            bar.addPermanentWidget(label)
        self.state_label.setObjectName("stateLabel")
        self.last_message = ""  # the last error or notice shown to the user
        self.message_box: QMessageBox | None = None
        self.numbers: tuple[int, float | None] | None = None  # the step and loss shown
        self._shown: Phase | None = None

    def retranslate_ui(self) -> None:
        """Room for the widest text each label shows, so the status bar does not jump while training."""
        widest = {self.step_label: [QCoreApplication.translate("MainWindow", "step {0}").format("000,000,000")],
                  self.loss_label: [QCoreApplication.translate("MainWindow", "loss {0}").format("0.000000e+00")],
                  self.rate_label: [QCoreApplication.translate("MainWindow", "{0} steps/s").format("000,000")],
                  self.state_label: [phase_text(phase) for phase in Phase]}
        for label, texts in widest.items():
            label.setMinimumWidth(max(label.fontMetrics().horizontalAdvance(text) for text in texts) + 12)
        self._shown = None  # the state label, redrawn in the new language

    def show_numbers(self, step: int, loss: float | None, rate: float | None) -> None:
        """`loss` None keeps the loss shown (a step 0 shows a dash); `rate` None empties steps/s."""
        kept = self.numbers[1] if self.numbers and step else None
        self.numbers = (step, loss if loss is not None else kept)
        self.step_label.setText(QCoreApplication.translate("MainWindow", "step {0}").format(f"{step:,}"))
        if loss is not None:
            self.loss_label.setText(QCoreApplication.translate("MainWindow", "loss {0}").format(f"{loss:.6g}"))
        elif step == 0:
            self.loss_label.setText(QCoreApplication.translate("MainWindow", "loss {0}").format("—"))
        rate_text = QCoreApplication.translate("MainWindow", "{0} steps/s")
        self.rate_label.setText(rate_text.format(f"{rate:,.0f}") if rate is not None else "")

    def show_phase(self, phase: Phase) -> None:
        if self._shown is phase:
            return
        self._shown = phase
        self.state_label.setText(phase_text(phase))
        self.state_label.setProperty("state", phase.style_key)  # the stylesheet colours it
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)

    def show_message(self, message: str, timeout_ms: int = 0) -> None:
        self.bar.showMessage(message, timeout_ms)

    def notify(self, message: str, warning: bool = False) -> None:
        """Show a message in the one place messages go: the status bar, and a non-blocking box for problems."""
        self.last_message = message
        self.bar.showMessage(message, 0 if warning else 8000)
        if warning:
            self.close_box()
            self.message_box = QMessageBox(QMessageBox.Icon.Warning, "GradStudio", message,
                                           QMessageBox.StandardButton.Ok, self.window)
            self.message_box.open()  # open(), not exec(): training and tests must not block on it

    def show_run_end(self, end: RunEnd) -> None:
        """Why the run ended: a divergence or an error as a problem, the step limit with how to go on."""
        if end.reason == "diverged":
            message = end.message
            advice = QCoreApplication.translate("MainWindow", "learning rate")
            if "learning rate" not in message and advice not in message:
                message = QCoreApplication.translate("MainWindow", "{0} — try a smaller learning rate.").format(message)
            self.notify(message, warning=True)
        elif end.reason == "error":
            self.notify(end.message, warning=True)
        elif end.reason == "finished":
            # Train is disabled at the step limit: say how to go on, until the next message.
            self.show_message(QCoreApplication.translate(
                "MainWindow", "{0}. To train on, raise Steps under Training (or tick “until stopped”) and press "
                "Train; Reset starts over.").format(end.message))
        else:
            self.show_message(end.message, 5000)

    def close_box(self) -> None:
        if self.message_box is not None:
            self.message_box.close()
