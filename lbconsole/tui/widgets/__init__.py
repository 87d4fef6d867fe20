"""The console's tabs and their parts (header, queue table, detail pane), one concern per module.

Widgets speak the core's types (`lbconsole.core.ports`, models, plans),
never the gateway's, and render through the pure functions of
`lbconsole.tui.render`, with colours from the theme (`tones`). They paint
what the app hands them; the Runs tab alone runs workers of its own
(listing, dispatching and following orchestrator runs, on `tui.remote`).
"""
