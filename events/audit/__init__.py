"""The audit trail: who did what with whose data, and when."""
