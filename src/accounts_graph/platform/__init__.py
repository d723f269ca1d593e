"""Facts about the Accounts API that every other part of the project reads."""
