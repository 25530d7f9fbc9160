"""The code locations a workspace file lists: loaded here, or asked over gRPC (a gateway's code server)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg

DEFAULT_WORKSPACE = Path("workspace.yaml")
DEFAULT_MODULE = "mission_pipeline.definitions"
DEFAULT_LOCATION = "mission_pipeline"

Instigators = list[tuple[str, str]]  # (name, default status) of each schedule or sensor


@dataclass(frozen=True)
class WorkspaceEntry:
    """One code location of the workspace: loaded here (python_module) or asked over gRPC (grpc_server)."""

    location: str
    module: str = DEFAULT_MODULE
    attribute: str = ""
    directory: str | None = None
    host: str | None = None
    port: int | None = None

    @property
    def server(self) -> str:
        """` at host:port` for a gRPC server (a gateway's code server), else empty."""
        return f" at {self.host}:{self.port}" if self.host is not None else ""

    def instigators(self, instance: dg.DagsterInstance) -> tuple[Instigators, Instigators]:
        """The location's schedules and sensors with their default status, as the daemon loads them."""
        if self.host is None:
            repo = load_definitions(self.module, self.attribute, self.directory)
            return (
                [(s.name, s.default_status.value) for s in repo.schedule_defs],
                [(s.name, s.default_status.value) for s in repo.sensor_defs],
            )
        from dagster._core.remote_origin import GrpcServerCodeLocationOrigin

        origin = GrpcServerCodeLocationOrigin(host=self.host, port=self.port, location_name=self.location)
        schedules: Instigators = []
        sensors: Instigators = []
        with origin.create_location(instance) as location:
            for remote in location.get_repositories().values():
                schedules += [(s.name, s.default_status.value) for s in remote.get_schedules()]
                sensors += [(s.name, s.default_status.value) for s in remote.get_sensors()]
        return schedules, sensors


def workspace_entries(workspace: Path | None) -> list[WorkspaceEntry]:
    """The code locations the webserver and daemon load from `workspace`, in its order.

    None: ./workspace.yaml when there is one, else the project's module. A central host of several
    gateways lists their code servers as grpc_server entries; each is asked for its schedules.
    """
    from dagster_shared.yaml_utils import load_yaml_from_path

    if workspace is not None and not workspace.is_file():
        # Named explicitly: loading the default module instead would check something else.
        raise FileNotFoundError(f"{workspace}: no such workspace file")
    workspace = workspace or (DEFAULT_WORKSPACE if DEFAULT_WORKSPACE.is_file() else None)
    if workspace is None:
        return [WorkspaceEntry(DEFAULT_LOCATION)]
    config = load_yaml_from_path(str(workspace))
    found: list[WorkspaceEntry] = []
    for item in config.get("load_from", []) if isinstance(config, dict) else []:
        if isinstance(item, dict) and "python_module" in item:
            entry = (
                item["python_module"]
                if isinstance(item["python_module"], dict)
                else {"module_name": item["python_module"]}
            )
            module = str(entry["module_name"])
            found.append(
                WorkspaceEntry(
                    location=str(entry.get("location_name") or module),
                    module=module,
                    attribute=str(entry.get("attribute") or ""),
                    directory=str(entry.get("working_directory") or workspace.resolve().parent),
                )
            )
        elif isinstance(item, dict) and "grpc_server" in item:
            server = item["grpc_server"]
            host, port = str(server.get("host") or "localhost"), server.get("port")
            name = str(server.get("location_name") or f"{host}:{port}")
            found.append(WorkspaceEntry(location=name, host=host, port=int(port) if port else None))
    if not found:
        raise ValueError(f"{workspace}: no python_module or grpc_server entry under load_from")
    return found


def load_definitions(module_name: str, attribute: str, directory: str | None) -> dg.RepositoryDefinition:
    """The repository of `module_name` (its `attribute`, or the one Definitions it defines)."""
    import dagster as dg
    from dagster._core.code_pointer import load_python_module
    from dagster._core.workspace.autodiscovery import loadable_targets_from_python_module

    if attribute:
        target: object = getattr(load_python_module(module_name, directory), attribute)
    else:
        (loadable,) = loadable_targets_from_python_module(module_name, directory)
        target = loadable.target_definition
    if isinstance(target, dg.Definitions):
        return target.get_repository_def()
    if isinstance(target, dg.RepositoryDefinition):
        return target
    raise TypeError(f"{module_name}: {type(target).__name__} is not a Definitions object")
