"""A loopback network that tempts the patrol out of its scopes (see network.py)."""
