"""Spend guardrails in Dagster: the budget status asset, its checks, its job and sensor."""
