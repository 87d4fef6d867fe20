"""The gateway to GitHub: the core's gateway contract spoken over githubkit.

This is the one package that talks to GitHub. It turns GitHub's GraphQL
and REST shapes into core models at the border (`translate`), sends every
request through one policy of timeouts, bounded rate-limit waits and
translated errors (`client`, `connection`, `ratelimit`, `failures`), and
implements `lbconsole.core.ports.Gateway` (`gateway`) and `Actions`
(`actions`). The engine and the console work against that contract; only
the code that builds a gateway for a real repository imports this package.
"""
