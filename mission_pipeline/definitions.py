"""The one Definitions object of mission-pipeline, loaded by workspace.yaml and `dagster -m`."""

import dagster as dg

from mission_pipeline.defs.budgets import definitions as budgets
from mission_pipeline.defs.cron import definitions as cron
from mission_pipeline.defs.env_resources import resources_from_env
from mission_pipeline.defs.ops import definitions as ops
from mission_pipeline.defs.usage import definitions as usage
from mission_pipeline.defs.workspaces import definitions as workspaces
from mission_pipeline.settings import get_settings

# Domain modules are imported whole: Dagster's loader accepts exactly one Definitions at module scope.
defs = dg.Definitions.merge(
    usage.defs,
    cron.defs,
    workspaces.defs,
    budgets.defs,
    ops.defs,
    dg.Definitions(
        # Fed by SUPABASE_DB_URL, OPENCLAW_STATE_DIR, ... through dg.EnvVar (see env_resources).
        resources=resources_from_env(get_settings()),
        # Steps share one process: resources (and the database target) are set up once per run.
        executor=dg.in_process_executor,
    ),
)
