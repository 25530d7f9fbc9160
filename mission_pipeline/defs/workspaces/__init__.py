"""The file index of every agent workspace."""
