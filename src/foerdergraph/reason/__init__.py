"""Reasoning: the OWL 2 RL closure of the validated graph (owl2rl.py, rules in owl2rl.rq)."""
