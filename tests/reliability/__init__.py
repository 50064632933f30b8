"""Reliability and security proof: fault matrix, soak, bad input, leaks and secrets."""
