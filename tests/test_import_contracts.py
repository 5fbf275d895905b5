"""The layers of pyproject.toml's import contracts hold — gui -> engine.session -> engine core, and
the engine never imports the GUI or Qt — checked by import-linter over the whole source."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))")


def _lint(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", LINT, str(config)], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_the_import_contracts_are_kept():
    result = _lint(REPO / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_a_broken_layer_is_reported(tmp_path):
    # the trainer imports the autograd engine: a contract forbidding it must fail
    config = tmp_path / "contracts.ini"
    config.write_text("[importlinter]\nroot_packages =\n    engine\n    gui\n\n"
                      "[importlinter:contract:probe]\nname = probe\ntype = forbidden\n"
                      "source_modules =\n    engine.session\nforbidden_modules =\n    engine.autograd\n")
    result = _lint(config)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "engine.session" in result.stdout
