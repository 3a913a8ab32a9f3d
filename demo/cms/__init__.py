"""CMS styles of the demo network, one module each, registered by name.

A style module provides ``assign_paths(site)`` (URL layout of columns, articles, attachments)
and ``routes(network, site)`` (host-relative path → handler(query) → (status, type, bytes)).
"""

from __future__ import annotations

from importlib import import_module

STYLES = ("trs", "hanweb", "asp", "gkml")


def style(name: str):
    if name not in STYLES:
        raise KeyError(f"unknown CMS style {name!r}")
    return import_module(f"demo.cms.{name}")


def assign_paths(site) -> None:
    style(site.style).assign_paths(site)


def routes(network, site) -> dict:
    return style(site.style).routes(network, site)
