"""lbconsole: the ΛBot console and engine of one consolidated pull-request orchestrator."""

__version__ = "0.1.0"
