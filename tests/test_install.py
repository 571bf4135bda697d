"""The package as users get it: a wheel installed in a fresh venv builds a site anywhere."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO_ROOT, make_sample_site

pytestmark = pytest.mark.slow

SEED = "date 2020-01-04 Installed sitegen builds this.\n\nA second paragraph.\n"
ARTICLE = "2020/01/04/installed-sitegen-builds-this/index.html"


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> str:
    completed = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, (
        f"{' '.join(map(str, args))} exited {completed.returncode}\n"
        f"stdout:\n{completed.stdout[-4000:]}\nstderr:\n{completed.stderr[-4000:]}"
    )
    return completed.stdout + completed.stderr


def install_wheel(work: Path) -> Path:
    """A venv of the interpreter running the tests holding only the built wheel of sitegen."""
    assert not work.is_relative_to(REPO_ROOT)
    work.mkdir(parents=True, exist_ok=True)
    wheels = work / "wheels"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--quiet",
        "-w",
        wheels,
        REPO_ROOT,
        cwd=work,
        timeout=600,
    )
    [wheel] = wheels.glob("sitegen-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "sitegen/_themes/default/templates/base.html" in names
    assert "sitegen/_themes/default/static/style.css" in names

    venv = work / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=work)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel, cwd=work)
    see_the_dependencies_of_this_interpreter(venv)
    return venv


def see_the_dependencies_of_this_interpreter(venv: Path) -> None:
    """Put the site-packages of the interpreter running the tests after the venv's own.

    The dependencies come from there, offline, whether the tests run in a venv (then
    `--system-site-packages` would reach the base Python, without them) or not. Plain
    paths, so the .pth files there (the editable install of the checkout) are not run,
    and the venv's own site-packages, holding the wheel, comes first.
    """
    dirs = [*site.getsitepackages(), *([site.getusersitepackages()] if site.ENABLE_USER_SITE else [])]
    [own] = venv.glob("lib/python*/site-packages")
    (own / "tests-dependencies.pth").write_text("\n".join(dirs) + "\n", encoding="utf-8")


def clean_env(venv: Path) -> dict[str, str]:
    """The user's environment, without anything that would point Python back at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def check_the_package_is_the_wheel_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = run(
        installed / "bin" / "python",
        "-c",
        "import pathlib, sitegen, sitegen.sources as s; "
        "print(sitegen.__file__); print(s.theme_dir(pathlib.Path('.'), 'default'))",
        cwd=tmp_path,
        env=clean_env(installed),
    ).splitlines()
    module, theme = Path(where[0]), Path(where[1])
    assert module.is_relative_to(installed), module
    assert theme == module.parent / "_themes" / "default"


def check_the_console_script_builds_a_site(installed: Path, tmp_path: Path) -> None:
    site = make_sample_site(tmp_path / "my-archive", seeds={"first": SEED})
    assert not site.root.is_relative_to(REPO_ROOT)
    sitegen = installed / "bin" / "sitegen"
    assert sitegen.is_file()

    output = run(sitegen, "build", cwd=site.root, env=clean_env(installed))

    assert "written" in output
    page = site.out / ARTICLE
    assert page.is_file()
    assert "A second paragraph." in page.read_text(encoding="utf-8")
    packaged_css = next(installed.glob("lib/python*/site-packages/sitegen/_themes/default/static/style.css"))
    assert (site.out / "assets" / "style.css").read_bytes() == packaged_css.read_bytes()
    assert (site.out / "assets" / "pygments.css").is_file()


def check_python_dash_m_version(installed: Path, tmp_path: Path) -> None:
    output = run(
        installed / "bin" / "python", "-m", "sitegen", "--version", cwd=tmp_path, env=clean_env(installed)
    )
    from sitegen import __version__

    assert output.strip() == f"sitegen, version {__version__}"


def test_wheel_in_a_fresh_venv_builds_a_site_anywhere(tmp_path: Path) -> None:
    """One test, so that pytest-xdist builds the wheel and the venv once, not once per worker."""
    installed = install_wheel(tmp_path / "install")
    check_the_package_is_the_wheel_not_the_checkout(installed, tmp_path)
    check_the_console_script_builds_a_site(installed, tmp_path / "elsewhere")
    check_python_dash_m_version(installed, tmp_path)
