"""Fixtures of the crawler tests; the servers live in crawl_server.py.

The helpers are in a module with a unique name (not imported as ``conftest``) so that the test
modules can import them whatever other conftest files pytest loaded first.
"""

from .crawl_server import *  # noqa: F403  (re-exports the fixtures so pytest registers them)
