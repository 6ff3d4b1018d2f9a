"""Crawlers: sources that turn public web pages, feeds and social APIs into records.

See :mod:`influence.crawl.base` for the contract every source follows.
"""
