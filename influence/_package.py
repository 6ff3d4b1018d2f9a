"""Settings of a package that was one module: still set on the package, still read where used.

``influence.importers`` and ``influence.formats`` were one module each. Their limits
(``importers.MAX_LINE_BYTES``, ``formats.RECENT_POSTS``...) were set on that module, by users and
by tests (``monkeypatch.setattr(importers, "MAX_LINE_BYTES", 1000)``), and every function read the
new value. Now each is defined in one private module of the package and imported by others:
:func:`forward_settings` makes setting it on the package set it in each of them.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from typing import Any


def forward_settings(package: str, names: Mapping[str, str]) -> None:
    """Make ``setattr(package, name, value)`` also set ``names[name]`` to ``value`` in every loaded
    module of ``package`` that defines or imported it.

    ``names`` maps a name on the package to its name in the package's modules: most are the same;
    a private name of the package may stand for a public name of one of its private modules.
    """
    prefix = package + "."

    class Package(types.ModuleType):
        def __setattr__(self, name: str, value: Any) -> None:
            super().__setattr__(name, value)
            attr = names.get(name)
            if attr is None:
                return
            for key, module in list(sys.modules.items()):
                if key.startswith(prefix) and module is not None and attr in vars(module):
                    setattr(module, attr, value)

    sys.modules[package].__class__ = Package
