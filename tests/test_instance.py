"""The instance folder, instance-relative config, and resources opened from the package."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from resourceful import App, Blueprint


@pytest.fixture
def package_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Create an importable module and package under ``tmp_path/src``."""
    src = tmp_path / "src"
    (src / "instpkg").mkdir(parents=True)
    (src / "instpkg" / "__init__.py").write_text("")
    (src / "instmod.py").write_text("")
    monkeypatch.syspath_prepend(str(src))
    for name in ("instpkg", "instmod"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return src


# -- instance path -------------------------------------------------------------------------


def test_instance_path_of_a_module_is_beside_it(package_dir: Path) -> None:
    app = App("instmod")

    assert app.instance_path == str(package_dir / "instance")


def test_instance_path_of_a_package_is_beside_the_package_folder(package_dir: Path) -> None:
    app = App("instpkg")

    assert app.instance_path == str(package_dir / "instance")


def test_instance_path_of_an_installed_package_is_under_the_prefix() -> None:
    # jinja2 is installed into the virtualenv, that is, into sys.prefix.
    app = App("jinja2")

    assert app.instance_path == os.path.join(sys.prefix, "var", "jinja2-instance")


def test_auto_find_instance_path_is_used_when_none_is_given(package_dir: Path) -> None:
    class ElsewhereApp(App):
        def auto_find_instance_path(self) -> str:
            return "/srv/elsewhere"

    assert ElsewhereApp("instmod").instance_path == "/srv/elsewhere"


def test_explicit_instance_path_is_kept(tmp_path: Path) -> None:
    app = App("instmod", instance_path=str(tmp_path))

    assert app.instance_path == str(tmp_path)


def test_relative_instance_path_is_refused() -> None:
    with pytest.raises(ValueError, match=r"instance_path must be absolute; got 'instance'"):
        App("instmod", instance_path="instance")


def test_instance_relative_config_loads_files_from_the_instance_folder(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text("GREETING = 'from the instance'\n")
    app = App(
        "instmod",
        root_path=str(tmp_path / "code"),
        instance_path=str(tmp_path),
        instance_relative_config=True,
    )

    app.config.from_pyfile("settings.py")

    assert app.config.root_path == str(tmp_path)
    assert app.config["GREETING"] == "from the instance"


def test_config_is_relative_to_root_path_by_default(tmp_path: Path) -> None:
    app = App("instmod", root_path=str(tmp_path), instance_path=str(tmp_path / "instance"))

    assert app.config.root_path == str(tmp_path)


# -- open_instance_resource ----------------------------------------------------------------


def test_open_instance_resource_reads_and_writes(tmp_path: Path) -> None:
    app = App("instmod", instance_path=str(tmp_path))

    with app.open_instance_resource("data.txt", "w") as f:
        f.write("é saved")
    with app.open_instance_resource("data.txt", "r") as f:
        assert f.read() == "é saved"
    with app.open_instance_resource("data.txt") as f:
        assert f.read() == "é saved".encode()


# -- open_resource -------------------------------------------------------------------------


@pytest.fixture
def resource_root(tmp_path: Path) -> Path:
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (x);", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "latin.txt").write_bytes("café".encode("latin-1"))
    return tmp_path


def test_open_resource_reads_bytes_relative_to_root_path(resource_root: Path) -> None:
    app = App("instmod", root_path=str(resource_root))

    with app.open_resource("schema.sql") as f:
        assert f.read() == b"CREATE TABLE t (x);"


def test_open_resource_in_text_mode_with_an_encoding(resource_root: Path) -> None:
    app = App("instmod", root_path=str(resource_root))

    with app.open_resource("sub/latin.txt", "r", encoding="latin-1") as f:
        assert f.read() == "café"


def test_open_resource_on_a_blueprint_is_relative_to_its_root(resource_root: Path) -> None:
    bp = Blueprint("bp", "bp", root_path=str(resource_root / "sub"))

    with bp.open_resource("latin.txt") as f:
        assert f.read() == "café".encode("latin-1")


@pytest.mark.parametrize("mode", ["w", "wb", "a", "r+"])
def test_open_resource_refuses_writing_modes(resource_root: Path, mode: str) -> None:
    app = App("instmod", root_path=str(resource_root))

    with pytest.raises(ValueError) as info:
        app.open_resource("schema.sql", mode)

    assert str(info.value) == (
        f"open_resource() only reads files (mode 'r', 'rt' or 'rb'); got mode {mode!r}."
        " Write files in the instance folder with App.open_instance_resource()."
    )
