"""Inspection indicators beyond timeliness (RULES.md, 国办秘函〔2019〕19号): reachability probes,
政务咨询 messages, wording-error decisions. The pure checks live in ``inspection.checks`` (no
Django); the report is ``reports.inspection``."""
