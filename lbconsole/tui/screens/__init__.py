"""The console's modal screens: the confirmation before any write to GitHub, and the key bindings help."""
