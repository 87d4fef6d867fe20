"""The simulator's GraphQL endpoint: GitHub's schema (a subset) over the simulator's state.

`execution` runs a request (`execute`) against the schema in
`schema.graphql`; `resolvers` is the value tree a query walks, `pages` the
connections' pagination and `errors` GitHub's error shapes.
"""

from lbconsole.sim.gql.execution import execute, request_cost, schema

__all__ = ["execute", "request_cost", "schema"]
