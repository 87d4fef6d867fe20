"""The user's configuration: where it lives, how it is read, checked and saved.

Settings are core data (`lbconsole.core.settings`); this package turns a TOML
file into them, reporting every problem at once and running on the defaults
rather than failing, and saves changes atomically without losing the file.
"""
