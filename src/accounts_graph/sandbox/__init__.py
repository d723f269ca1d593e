"""The sandbox: an embedded imitation of the Accounts API over SQLite."""
