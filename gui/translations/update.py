"""Regenerates the translations: pyside6-lupdate collects every tr()/translate()/QT_TRANSLATE_NOOP
string of each group's files into gui/translations/<language>/<group>.ts, keeping the
translations already there (new strings arrive marked unfinished); pyside6-lrelease then
compiles each .ts into the .qm that gui/i18n.py loads.

    python gui/translations/update.py            # after changing user-visible strings
    python gui/translations/update.py --compile  # only recompile the .qm after editing a .ts

A group is the set of source files one .ts covers; every file with user-visible text is in
exactly one group (a test checks this).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LANGUAGES = ["zh_CN"]

GROUPS: dict[str, list[str]] = {
    "window": ["gui/app.py", "gui/launch.py", "gui/desktop_entry.py", "gui/main_window.py", "gui/editors.py", "gui/form_fields.py",
               "gui/setup_dock.py", "gui/status_line.py", "gui/training.py", "gui/draw_pacing.py", "gui/settings.py",
               "gui/window_actions.py", "gui/training_plots.py",
               "gui/worker.py", "gui/examples.py", "gui/i18n.py",
               "engine/session/config.py", "engine/session/expression.py", "engine/session/data.py",
               "engine/session/models.py", "engine/session/trainer.py", "engine/session/choices.py",
               "engine/session/validation.py", "engine/session/memory.py", "engine/session/datasets2d.py",
               "gui/boundary_view.py", "gui/network_view.py"],
    "files": ["gui/session_files.py", "gui/export_dialog.py", "gui/plot_export.py", "gui/plots.py", "gui/history.py",
              "engine/session/export.py", "engine/session/files.py", "engine/session/session_file.py",
              "engine/session/history.py"],
    "graph": ["gui/graph_view.py", "gui/graph_canvas.py", "gui/graph_items.py", "gui/graph_workbench.py",
              "gui/debugger_dock.py", "gui/scratchpad.py", "gui/code_editor.py", "gui/gradient_flow.py",
              "engine/session/debugger_text.py", "engine/session/debugger.py", "engine/session/graph_inspect.py",
              "engine/session/graph_model.py", "engine/session/graph_build.py", "engine/session/tensor_summary.py",
              "engine/session/scratchpad.py", "engine/session/module_calls.py"],
    "lessons": ["gui/gallery.py", "gui/hidden_layer_view.py", "gui/lesson_panel.py", "gui/lesson_views.py", "gui/lessons.py",
                "engine/session/lesson_texts.py", "engine/session/lessons.py"],
}


def tool(name: str) -> str:
    """A Qt tool installed with PySide6, next to this interpreter or on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (pip install -e .) into this environment")
    return found


def ts_path(language: str, group: str) -> Path:
    return HERE / language / f"{group}.ts"


def lupdate(group: str, ts: Path, language: str) -> None:
    sources = [str(ROOT / name) for name in GROUPS[group]]
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool("pyside6-lupdate"), *sources, "-no-obsolete", "-locations", "none",
                    "-target-language", language, "-ts", str(ts)], check=True, capture_output=True, text=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True,
                   text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compile", action="store_true", help="only compile the .ts files to .qm")
    args = parser.parse_args(argv)
    for language in LANGUAGES:
        for group, files in GROUPS.items():
            if not files:
                continue
            ts = ts_path(language, group)
            if not args.compile:
                lupdate(group, ts, language)
            lrelease(ts, ts.with_suffix(".qm"))
            print(f"{ts.relative_to(ROOT)}: compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
