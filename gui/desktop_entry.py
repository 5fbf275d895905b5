"""`gradstudio --install-desktop-entry`: a freedesktop.org .desktop file and the icon under
$XDG_DATA_HOME, so GradStudio appears in the desktop's application menu (no Qt needed)."""
from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from engine.session.assets import asset

DESKTOP_FILE = "gradstudio.desktop"


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launch_command() -> str:
    """The installed `gradstudio` script if it is on PATH, else this interpreter running the launcher."""
    script = shutil.which("gradstudio")
    if script:
        return shlex.quote(str(Path(script).resolve()))
    return f"{shlex.quote(sys.executable)} -m gui.launch"


def desktop_entry(icon: Path, command: str) -> str:
    return "\n".join([
        "[Desktop Entry]", "Type=Application", "Version=1.0", "Name=GradStudio",
        "GenericName=Gradient-based training, seen",
        "GenericName[zh_CN]=可视化梯度训练",
        "Comment=Watch a model train: live plots, the computation graph and a step-through backward debugger",
        "Comment[zh_CN]=观察模型训练：实时曲线、计算图和逐步反向传播调试器",
        f"Exec={command} %f", f"Icon={icon}", "Terminal=false",
        "Categories=Education;Science;Development;", "MimeType=application/json;",
        "Keywords=autograd;backpropagation;gradient;PyTorch;machine learning;", "",
    ])


def install_desktop_entry() -> Path:
    """Write the icon and the .desktop file under $XDG_DATA_HOME; returns the .desktop file's path."""
    icons = data_home() / "icons" / "hicolor" / "scalable" / "apps"
    applications = data_home() / "applications"
    icons.mkdir(parents=True, exist_ok=True)
    applications.mkdir(parents=True, exist_ok=True)
    icon = icons / "gradstudio.svg"
    shutil.copyfile(asset("gradstudio.svg"), icon)
    entry = applications / DESKTOP_FILE
    entry.write_text(desktop_entry(icon, launch_command()), encoding="utf-8")
    return entry


def main() -> int:
    try:
        entry = install_desktop_entry()
    except OSError as error:
        print(f"gradstudio: cannot install the desktop entry: {error}", file=sys.stderr)
        return 1
    print(f"Installed {entry}; GradStudio is in the application menu (Education). "
          f"To remove it, delete that file and {data_home() / 'icons/hicolor/scalable/apps/gradstudio.svg'}.")
    return 0
