"""A budget as the dashboard stores it in `usage_budgets`: validated, since people edit that table."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_validator

Period = Literal["day", "month"]


class Budget(BaseModel):
    """One row of usage_budgets. `agent_id` None: every agent together."""

    id: int
    agent_id: str | None
    period: Period
    limit_usd: Decimal = Field(gt=0)
    warn_at: list[Decimal] = Field(min_length=1)
    enabled: bool = True

    @field_validator("warn_at")
    @classmethod
    def _ascending_shares(cls, value: list[Decimal]) -> list[Decimal]:
        if any(share <= 0 for share in value):
            raise ValueError("every share to warn at is above 0 (0.8 is 80 %)")
        return sorted(set(value))

    @property
    def scope(self) -> str:
        """What the budget covers, in words."""
        return f"agent {self.agent_id}" if self.agent_id is not None else "all agents"
