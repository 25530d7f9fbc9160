"""Operating sensors: failure alerts and run retention."""

import dagster as dg

from mission_pipeline.defs.ops.alerts import run_failure_alert_sensor
from mission_pipeline.defs.ops.retention import run_retention_sensor

defs = dg.Definitions(sensors=[run_failure_alert_sensor, run_retention_sensor])
