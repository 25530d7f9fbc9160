"""Stored schedule/sensor state as the daemon writes it for the project's code location."""

from dagster._core.remote_origin import (
    InProcessCodeLocationOrigin,
    RemoteInstigatorOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

LOCATION = "mission_pipeline"


def instigator_origin(name: str, location: str = LOCATION) -> RemoteInstigatorOrigin:
    """The origin of schedule or sensor `name` in the code location workspace.yaml names."""
    target = LoadableTargetOrigin(module_name="mission_pipeline.definitions", attribute="defs")
    code_location = InProcessCodeLocationOrigin(target, location_name=location)
    return RemoteInstigatorOrigin(RemoteRepositoryOrigin(code_location, "__repository__"), name)
