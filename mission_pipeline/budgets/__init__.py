"""Spend guardrails: budgets, their status in the current period, and the alerts they raise.

Plain Python over the dashboard's own tables (`usage_budgets`, `agent_usage`); `defs/budgets` wires
it into Dagster. An alert is recorded in an outbox before it is sent (`outbox.py`), keyed so that
each threshold of each budget and period, and each unusual day of an agent, is recorded once.
"""
