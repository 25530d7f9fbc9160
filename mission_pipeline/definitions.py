"""The one Definitions object of mission-pipeline, loaded by workspace.yaml and `dagster -m`."""

import dagster as dg

from mission_pipeline.defs.cron import definitions as cron
from mission_pipeline.defs.ops import definitions as ops
from mission_pipeline.defs.resources import shared_resources
from mission_pipeline.defs.usage import definitions as usage
from mission_pipeline.defs.workspaces import definitions as workspaces

# Domain modules are imported whole: Dagster's loader accepts exactly one Definitions at module scope.
defs = dg.Definitions.merge(
    usage.defs,
    cron.defs,
    workspaces.defs,
    ops.defs,
    dg.Definitions(
        resources=shared_resources(),
        # Steps share one process: resources (and the database target) are set up once per run.
        executor=dg.in_process_executor,
    ),
)
