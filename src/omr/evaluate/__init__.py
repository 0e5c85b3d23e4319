"""Scoring model outputs against the truth: metrics (pure functions) and the evaluation runner."""
