"""Reports failed runs of the monitored jobs: in the log, and to a webhook when one is configured.

A job asks for it with the run tag `MONITORED_TAG` (see `defs.run_tags`); this module knows no job.
"""

import dagster as dg

from mission_pipeline.defs.resources import AlertWebhookResource
from mission_pipeline.defs.run_tags import MONITORED, MONITORED_TAG
from mission_pipeline.redaction import redact
from mission_pipeline.settings import get_settings
from mission_pipeline.webhook import post_webhook


def failure_message(job_name: str, run_id: str, error: str | None) -> str:
    """One paragraph an operator can act on; secrets masked."""
    secrets = get_settings().secret_values()
    text = f"mission-pipeline run {run_id[:8]} of {job_name} failed"
    if error:
        # Masked before it is cut to one short line, so no half secret survives at the cut.
        text += f": {' '.join(redact(error, secrets).split())[:500]}"
    return redact(text, secrets)


def step_error(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """The first failed step and its root error: the run's own failure event names only the steps.

    After retries the step's error is "Exceeded max_retries"; what to act on (say "cannot connect to
    postgresql://...") is the innermost cause, so that is what the alert says.
    """
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        event = entry.dagster_event
        data = event.step_failure_data if event is not None else None
        if event is not None and data is not None and data.error is not None:
            error = data.error
            while error.cause is not None:
                error = error.cause
            return f"step {event.step_key}: {error.message}"
    return None


# No job list: the sensor sees every failed run of this code location and the run's tags decide.
@dg.run_failure_sensor(
    name="run_failure_alert_sensor",
    monitor_all_code_locations=False,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=f"Reports failed runs of the jobs tagged {MONITORED_TAG}={MONITORED} (ALERT_WEBHOOK_URL).",
)
def run_failure_alert_sensor(
    context: dg.RunFailureSensorContext, alert_webhook: AlertWebhookResource
) -> None:
    """Logs each failed run of a monitored job and POSTs it to the webhook if one is set."""
    run = context.dagster_run
    if run.tags.get(MONITORED_TAG) != MONITORED:
        return
    error = step_error(context.instance, run.run_id) or (
        context.failure_event.message if context.failure_event else None
    )
    message = failure_message(run.job_name, run.run_id, error)
    context.log.error(message)
    if alert_webhook.url:
        failed = post_webhook(alert_webhook.url, {"text": message, "run_id": run.run_id, "job": run.job_name})
        if failed:
            context.log.warning(f"alert webhook did not accept the message ({failed})")
