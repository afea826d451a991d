"""The shipped case kinds: one TOML file per kind, checked by spec.py and loaded by the cases app."""
