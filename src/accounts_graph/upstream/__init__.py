"""The HTTP client of the Accounts API, as the facade uses it."""
