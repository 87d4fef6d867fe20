"""The pure domain: models, classification, readiness, priority and the planner.

Nothing here does I/O, reads the clock or the environment, or imports UI or
network code: callers pass `now` and settings in.
"""
