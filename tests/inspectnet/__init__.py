"""Loopback network for the inspection indicators (see network.py)."""
