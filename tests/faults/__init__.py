"""Faults caused for real: app processes killed, PostgreSQL stopped, the SMTP server gone."""
