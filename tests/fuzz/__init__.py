"""Fuzz suite of issue 11: mutated manifests and kubectl lines must never reach a
traceback, a hang, a partial write or an accepted absurd size."""
