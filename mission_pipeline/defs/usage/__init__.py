"""Token usage: the raw ledger, daily per-agent and per-model usage with costs, session dumps."""
