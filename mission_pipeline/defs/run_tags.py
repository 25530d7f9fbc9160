"""Tags a job declares about its runs, so the operating sensors (`defs.ops`) need not know any job.

A job sets them in its definition's `tags=`; Dagster copies a job's tags onto every run it launches
(schedule, sensor, backfill or the UI), and the sensors read them back from the run.
"""

# "true": a failed run is reported by run_failure_alert_sensor.
MONITORED_TAG = "mission_pipeline/monitored"
MONITORED = "true"
# "frequent": finished runs older than RUN_RETENTION_DAYS are deleted by run_retention_sensor.
# Runs without the tag (the daily usage history, manual materializations) are kept.
RETENTION_TAG = "mission_pipeline/retention"
FREQUENT = "frequent"
