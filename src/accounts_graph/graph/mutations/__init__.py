"""One mutation per capability of the role matrix, grouped by resource."""
