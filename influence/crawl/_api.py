"""Former name of :mod:`influence.crawl.api`, kept while ``influence/formats.py`` still imports
from it; new code imports :mod:`influence.crawl.api`."""

from .api import *  # noqa: F403
from .api import __all__, html_links, html_to_text, profile_actor, web_actor  # noqa: F401
