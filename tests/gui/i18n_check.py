"""Checks that user-visible text is translatable and translated.

- `raw_strings(path)`: a static scan of one source file for string literals handed straight to a
  Qt text API (setText, QAction, addTab, showMessage, …) instead of through tr()/translate().
- `ts_problems(ts)`: messages in a .ts file with no finished translation.
- `visible_english(widget)`: a live scan of a widget tree (labels, buttons, menus, tabs, tooltips,
  plot titles) for English words left in the interface after switching to Chinese.
"""
from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from engine.session.expression import FUNCTIONS

# Calls whose string arguments are shown to the user.
TEXT_CALLS = {
    "setText", "setToolTip", "setStatusTip", "setWhatsThis", "setWindowTitle", "setPlaceholderText",
    "setTitle", "setLabelText", "addTab", "insertTab", "setTabText", "setTabToolTip", "addMenu",
    "addAction", "QAction", "QLabel", "QPushButton", "QToolButton", "QCheckBox", "QRadioButton",
    "QGroupBox", "QDockWidget", "QMenu", "QToolBar", "addRow", "showMessage", "information", "warning",
    "critical", "question", "about", "getSaveFileName", "getOpenFileName", "getExistingDirectory",
    "setHeaderLabels", "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "addItem", "addItems",
    "insertItem", "setItemText", "setSuffix", "setPrefix", "setSpecialValueText", "setLabel",
    "setFormat", "setHtml", "setInformativeText", "setDetailedText", "addButton", "setButtonText",
    "_notify", "notify", "show_message", "TextItem", "setLabels", "setWindowIconText", "setAccessibleName",
}
TEXT_KEYWORDS = {"text", "name", "title", "tip", "tooltip", "label", "message", "caption"}
TRANSLATORS = {"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}
WORD = re.compile(r"[A-Za-z]{2,}")


def _is_translated(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in TRANSLATORS:
            return True
        if isinstance(func, ast.Attribute) and func.attr in ("format", "arg") and _is_translated(func.value):
            return True
    return False


def _raw_literals(node: ast.AST) -> list[ast.AST]:
    """Literal text with words in `node` that does not pass through a translator."""
    if _is_translated(node):
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node] if WORD.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        parts = [v for v in node.values if isinstance(v, ast.Constant)]
        if any(WORD.search(str(v.value)) for v in parts):
            return [node]
        return [bad for v in node.values if isinstance(v, ast.FormattedValue) for bad in _raw_literals(v.value)]
    if isinstance(node, ast.BinOp):
        return _raw_literals(node.left) + _raw_literals(node.right)
    if isinstance(node, ast.IfExp):
        return _raw_literals(node.body) + _raw_literals(node.orelse)
    if isinstance(node, (ast.List, ast.Tuple)):
        return [bad for item in node.elts for bad in _raw_literals(item)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return _raw_literals(node.func.value)
    return []


def raw_strings(path: Path) -> list[str]:
    """'file:line: text' for each literal given to a Qt text API without tr()."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _is_translated(node):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        args = list(node.args) if name in TEXT_CALLS else []
        args += [kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS]
        for arg in args:
            for bad in _raw_literals(arg):
                found.append(f"{path.name}:{bad.lineno}: {ast.unparse(bad)[:80]}")
    return found


def ts_problems(ts: Path) -> list[str]:
    """Messages of a .ts file without a finished, non-empty translation."""
    problems = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            numerus = message.get("numerus") == "yes"
            texts = [f.text for f in translation.iter("numerusform")] if numerus and translation is not None \
                else [translation.text if translation is not None else None]
            if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete") \
                    or not all(t and t.strip() for t in texts):
                problems.append(f"{ts.name} [{name}] {source[:70]!r}")
    return problems


def lrelease_bytes(ts: Path, qm: Path) -> bytes:
    from gui.translations import update

    update.lrelease(ts, qm)
    return qm.read_bytes()


def ts_sources(ts: Path) -> set[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    return {(c.findtext("name") or "", m.findtext("source") or "") for c in root.iter("context")
            for m in c.iter("message")}


# Words that stay as they are in the Chinese interface: names of things, file formats, code.
KEEP = {
    "GradStudio", "PyTorch", "SGD", "Adam", "MSE", "MSELoss", "PNG", "SVG", "CSV", "JSON", "NumPy", "numba",
    "Numba", "tanh", "relu", "ReLU", "sigmoid", "Sigmoid", "Tanh", "Linear", "Sequential", "safetensors",
    "grad", "lr", "torch", "engine", "Qt", "English", "AccumulateGrad", "None", "True", "False", "mm",
    "nan", "inf", "float", "float32", "float64", "Ctrl", "Shift", "Alt", "Esc", "Space", "Del", "Enter",
    "Return", "Tab", "PgUp", "PgDown", "Home", "End", "Backspace", "Up", "Down", "Left", "Right", "min",
    "max", "exp", "log", "sin", "cos", "sqrt", "abs", "pow", "sum", "mean",
    "TensorFlow", "Playground", "BCE", "BCEWithLogitsLoss", "CrossEntropyLoss", "softmax",
} | set(FUNCTIONS)  # the functions of custom expressions, named as in code
_TAG = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
_CODE = re.compile(r"[._()\[\]=/\\:]|\d")


def english_words(text: str, keep=()) -> list[str]:
    """English words in `text` that should have been translated (code and names excepted)."""
    text = _ENTITY.sub(" ", _TAG.sub(" ", text)).replace("&", "")
    words = []
    for token in text.split():
        token = token.strip(",;!?\"'“”‘’…()[]{}«»：，。；、")
        if not token or _CODE.search(token) or token in KEEP or token in keep:
            continue
        for word in re.findall(r"[A-Za-z]{3,}", token):
            if word not in KEEP and word not in keep:
                words.append(word)
    return words


def _widget_texts(widget) -> list[tuple[str, str]]:
    from PySide6.QtWidgets import (QAbstractButton, QComboBox, QDockWidget, QGroupBox, QLabel, QLineEdit,
                                   QMenu, QTabBar, QTableWidget, QTreeWidget, QWidget)

    where = f"{type(widget).__name__}({widget.objectName()})"
    texts = [(where + ".toolTip", widget.toolTip()), (where + ".statusTip", widget.statusTip())]
    if widget.isWindow() or isinstance(widget, QDockWidget):
        texts.append((where + ".windowTitle", widget.windowTitle()))
    if isinstance(widget, (QLabel, QAbstractButton)):
        texts.append((where + ".text", widget.text()))
    if isinstance(widget, QLineEdit):
        texts.append((where + ".placeholderText", widget.placeholderText()))
    if isinstance(widget, QGroupBox):
        texts.append((where + ".title", widget.title()))
    if isinstance(widget, QMenu):
        texts.append((where + ".title", widget.title()))
    if isinstance(widget, QTabBar) and not widget.isHidden():  # (Qt keeps spare, hidden bars for docks)
        texts += [(f"{where}.tab{i}", widget.tabText(i)) for i in range(widget.count())]
        texts += [(f"{where}.tabToolTip{i}", widget.tabToolTip(i)) for i in range(widget.count())]
    if isinstance(widget, QComboBox):
        texts += [(f"{where}.item{i}", widget.itemText(i)) for i in range(widget.count())]
    if isinstance(widget, QTableWidget):
        for i in range(widget.columnCount()):
            item = widget.horizontalHeaderItem(i)
            texts.append((f"{where}.header{i}", item.text() if item else ""))
    if isinstance(widget, QTreeWidget):
        header = widget.headerItem()
        texts += [(f"{where}.header{i}", header.text(i)) for i in range(header.columnCount())]
    for action in widget.actions():
        texts += [(f"{where} action.text", action.text()), (f"{where} action.toolTip", action.toolTip()),
                  (f"{where} action.statusTip", action.statusTip())]
    plot_item = getattr(widget, "getPlotItem", None)
    if callable(plot_item) and isinstance(widget, QWidget):
        item = plot_item()
        texts.append((where + ".plotTitle", item.titleLabel.text or ""))
        for name in ("left", "bottom", "right", "top"):
            axis = item.getAxis(name) if name in item.axes else None
            if axis is not None and axis.isVisible():
                texts.append((f"{where}.axis.{name}", axis.labelText or ""))
        legend = item.legend
        if legend is not None:
            texts += [(where + ".legend", label.text) for _, label in legend.items]
    return texts


def visible_english(root, keep=()) -> list[str]:
    """'where: text' for every text in `root`'s widget tree (and its menus) with English words left;
    `keep`: more words that rightly stay English there (names of the user's own things)."""
    from PySide6.QtWidgets import QWidget

    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        for where, text in _widget_texts(widget):
            if text and english_words(text, keep):
                found.append(f"{where}: {text[:90]!r}")
    return sorted(set(found))
