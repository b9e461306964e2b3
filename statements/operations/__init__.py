"""Operating an installation: moving it to PostgreSQL, backing it up, exporting and importing its data."""
