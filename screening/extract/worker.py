"""Preloaded into the forkserver so every worker starts with the parsers imported."""

from __future__ import annotations

import olefile  # noqa: F401
import pdfminer.converter  # noqa: F401
import pdfminer.layout  # noqa: F401
import pdfminer.pdfinterp  # noqa: F401
import pdfminer.pdfpage  # noqa: F401
import xlrd  # noqa: F401
from lxml import etree  # noqa: F401

from . import registry, sandbox  # noqa: F401  (sandbox: imported for the workers)
from .pdf import preload_cmaps

registry.load_all()  # the readers are imported when first called (registry.Deferred): all of them here
preload_cmaps()
