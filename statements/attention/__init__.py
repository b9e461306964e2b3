"""What needs each person now: their to-do list, computed from the database on each visit."""
