"""accounts-graph: a GraphQL API over the Marketplace Platform Accounts API."""

__version__ = "0.1.0"
