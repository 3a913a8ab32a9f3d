"""The bundled demo portal network: a deterministic county network (county portal, departments,
towns) in four CMS styles, served on loopback, with its ground truth.

Modules: ``sites`` (the county as data), ``generator`` (build_network; counting definitions),
``model``, ``text`` and ``plants`` (content), ``cms`` (one module per CMS style),
``attachments`` (pdf/docx/xlsx/xls), ``truth`` (ground truth JSON), ``mutate`` (a change for
incremental tests), ``server`` (DemoNetwork, ``python -m demo.server``), ``pytest_plugin``.
Product code must not import this package (only ``patrol demo`` and the tests do).
"""
