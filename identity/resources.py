"""Where the installed templates are.

``templates/`` sits beside the package in the source tree (the project
layout) and is installed as the ``identity.templates`` package by setup.py.
An editable install keeps it only in the source tree, so look there first.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path


def templates_dir() -> Path:
    source_tree = Path(__file__).resolve().parent.parent / "templates"
    if source_tree.is_dir():
        return source_tree
    return Path(str(importlib.resources.files("identity.templates")))
