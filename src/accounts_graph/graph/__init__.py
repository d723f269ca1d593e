"""The Strawberry schema of accounts-graph."""
