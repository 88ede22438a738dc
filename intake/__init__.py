"""The intake: a supplier's file read, privacy-checked and validated (and demo suppliers)."""
