"""The wheel is what an installed `mission-pipeline run` has: the package with its sample, nothing else."""

import shutil
import subprocess
import zipfile

import pytest

from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline_tests.deploy.conftest import REPO


def _uv() -> str:
    """The uv `make install` bootstraps into .tools/, else one on PATH."""
    bootstrapped = REPO / ".tools" / "bin" / "uv"
    found = str(bootstrapped) if bootstrapped.is_file() else shutil.which("uv")
    if found is None:
        pytest.skip("no uv to build the wheel with (make install bootstraps one)")
    return found


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [_uv(), "build", "--wheel", "--out-dir", str(out), str(REPO)], check=True, capture_output=True
    )
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_every_file_of_the_sample_state(wheel_names: set[str]) -> None:
    package_root = REPO / "mission_pipeline"
    on_disk = {
        path.relative_to(package_root.parent).as_posix() for path in SAMPLE_STATE.rglob("*") if path.is_file()
    }
    assert SAMPLE_STATE.is_relative_to(package_root)
    assert len(on_disk) > 50  # agent databases, workspaces, openclaw.json: the whole state directory
    assert on_disk - wheel_names == set()


def test_the_wheel_carries_neither_the_benchmark_nor_the_tests(wheel_names: set[str]) -> None:
    top_level = {name.split("/")[0] for name in wheel_names}
    assert "mission_pipeline" in top_level
    assert not top_level & {"benchmarks", "mission_pipeline_tests"}
    assert {t for t in top_level if not t.startswith("mission_pipeline")} == set()
