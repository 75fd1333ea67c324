"""The wheel of this checkout, installed into a fresh venv outside it, migrates and serves (/readyz 200).

Only an editable install used to work (the migrations lived outside the package). The fresh venv borrows the
test venv's installed dependencies through a .pth line (fast, and no network), but never the checkout: the
`smartassist` it imports must be the wheel's, from its own site-packages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx

from tests.server_process import free_port, wait_ready

CHECKOUT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_wheel_installs_migrates_and_serves_outside_the_checkout(tmp_path: Path) -> None:
    wheels, venv, work = tmp_path / "wheels", tmp_path / "venv", tmp_path / "work"
    work.mkdir()
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(CHECKOUT)], cwd=work)
    [wheel] = wheels.glob("smartassist_server-*.whl")

    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=work)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)], cwd=work)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run([str(python), "-c", purelib], cwd=work).strip())
    # The test venv's dependencies, appended after the fresh venv's own site-packages. A .pth line only adds the
    # directory: the test venv's own .pth files (the editable install's path to src/) are not processed.
    (site / "test-venv-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTASSIST_", "PROMETHEUS_", "PYTHON"))}
    env.update(
        SMARTASSIST_DATA_DIR=str(work / "data"),
        SMARTASSIST_DATABASE_URL=f"sqlite:///{work / 'wheel.db'}",
        SMARTASSIST_ADMIN_TOKEN="wheel-admin-token-" + "x" * 24,
        SMARTASSIST_SECRET_KEY="wheel-secret-key",
    )
    probe = "import smartassist, smartassist.migrations as m; print(smartassist.__file__); print(m.__file__)"
    imported = _run([str(python), "-c", probe], cwd=work, env=env).split()
    assert all(Path(path).is_relative_to(site) for path in imported), imported
    assert not any(Path(path).is_relative_to(CHECKOUT) for path in imported), imported

    smartassist = str(venv / "bin" / "smartassist")
    _run([smartassist, "db", "upgrade"], cwd=work, env=env)
    assert (work / "wheel.db").stat().st_size > 0

    port = free_port()
    server = subprocess.Popen(
        [smartassist, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", server, timeout_s=30)
        response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert response.status_code == 200, (response.text, errors)
