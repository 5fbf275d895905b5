"""GradStudio's run-time assets, installed by the wheel as the `gradstudio_assets` package (see
engine/session/assets.py): lesson and example sessions, the icon, the stylesheet."""
