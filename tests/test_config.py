"""Config: the defaults and the loaders."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from resourceful import App, Config

DOCUMENTED_DEFAULTS = {
    "DEBUG": None,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "PREFERRED_URL_SCHEME": "http",
    "TRAP_HTTP_EXCEPTIONS": False,
    "TRAP_BAD_REQUEST_ERRORS": None,
    "MAX_CONTENT_LENGTH": None,
    "MAX_FORM_MEMORY_SIZE": 500_000,
    "MAX_FORM_PARTS": 1_000,
    "TRUSTED_HOSTS": None,
    "SESSION_COOKIE_NAME": "session",
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    "SEND_FILE_MAX_AGE_DEFAULT": None,
    "USE_X_SENDFILE": False,
}


def test_documented_default_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESOURCEFUL_DEBUG", raising=False)
    config = App("defaults", root_path="/nonexistent").config
    for key, value in DOCUMENTED_DEFAULTS.items():
        assert config[key] == value, key


def test_config_is_a_dict(app: App) -> None:
    assert isinstance(app.config, Config)
    assert isinstance(app.config, dict)


def test_resourceful_debug_env_var_sets_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOURCEFUL_DEBUG", "1")
    assert App("dbg", root_path="/nonexistent").debug is True
    monkeypatch.setenv("RESOURCEFUL_DEBUG", "false")
    assert App("dbg", root_path="/nonexistent").debug is False


def test_attributes_mirror_config(app: App) -> None:
    app.debug = True
    assert app.config["DEBUG"] is True
    app.config["TESTING"] = False
    assert app.testing is False
    app.testing = True
    assert app.config["TESTING"] is True
    app.secret_key = "s3cret"
    assert app.config["SECRET_KEY"] == "s3cret"
    app.config["SECRET_KEY"] = "other"
    assert app.secret_key == "other"


def test_permanent_session_lifetime_accepts_seconds(app: App) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = 60
    assert app.permanent_session_lifetime == timedelta(seconds=60)


def test_from_object_loads_uppercase_only() -> None:
    config = Config("/")
    config.from_object(SimpleNamespace(DEBUG=True, SECRET="x", lower="ignored"))
    assert config == {"DEBUG": True, "SECRET": "x"}


def test_from_object_accepts_import_path() -> None:
    config = Config("/")
    config.from_object("http.HTTPStatus")
    assert config["OK"] == 200
    assert all(key.isupper() for key in config)


def test_from_pyfile(tmp_path: Path) -> None:
    (tmp_path / "settings.cfg").write_text("SECRET_KEY = 'abc'\nhelper = 1\nPORT = 40 + 2\n")
    config = Config(tmp_path)
    assert config.from_pyfile("settings.cfg") is True
    assert config == {"SECRET_KEY": "abc", "PORT": 42}


def test_from_pyfile_missing_raises_with_reason(tmp_path: Path) -> None:
    config = Config(tmp_path)
    with pytest.raises(OSError, match="Unable to load configuration file"):
        config.from_pyfile("missing.cfg")
    assert config.from_pyfile("missing.cfg", silent=True) is False


def test_from_envvar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.cfg"
    path.write_text("FROM_ENV = True\n")
    monkeypatch.setenv("APP_SETTINGS", str(path))
    config = Config(tmp_path)
    assert config.from_envvar("APP_SETTINGS") is True
    assert config["FROM_ENV"] is True


def test_from_envvar_unset_explains(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APP_SETTINGS", raising=False)
    config = Config("/")
    with pytest.raises(RuntimeError) as info:
        config.from_envvar("APP_SETTINGS")
    assert "The environment variable 'APP_SETTINGS' is not set" in str(info.value)
    assert "export APP_SETTINGS=" in str(info.value)
    assert config.from_envvar("APP_SETTINGS", silent=True) is False


def test_from_mapping_and_kwargs() -> None:
    config = Config("/")
    assert config.from_mapping({"A": 1, "b": 2}, C=3, d=4) is True
    assert config == {"A": 1, "C": 3}


def test_from_file_json_and_toml(tmp_path: Path) -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    (tmp_path / "c.json").write_text(json.dumps({"JSON_KEY": 1, "lower": 2}))
    (tmp_path / "c.toml").write_text('TOML_KEY = "x"\n')
    config = Config(tmp_path)
    assert config.from_file("c.json", load=json.load) is True
    assert config.from_file("c.toml", load=tomllib.load, text=False) is True
    assert config == {"JSON_KEY": 1, "TOML_KEY": "x"}


def test_from_file_with_a_binary_loader_in_text_mode_says_to_pass_text_false(
    tmp_path: Path,
) -> None:
    def load(fh: Any) -> dict[str, Any]:
        raise TypeError("File must be opened in binary mode, e.g. use `open('foo.toml', 'rb')`")

    (tmp_path / "c.toml").write_text('TOML_KEY = "x"\n')
    with pytest.raises(TypeError) as info:
        Config(tmp_path).from_file("c.toml", load=load)
    message = str(info.value)
    assert "reads binary files, but 'c.toml' was opened as text" in message
    assert "Pass text=False" in message


def test_from_file_passes_other_type_errors_through(tmp_path: Path) -> None:
    def load(fh: Any) -> dict[str, Any]:
        raise TypeError("something else")

    (tmp_path / "c.json").write_text("{}")
    with pytest.raises(TypeError, match=r"^something else$"):
        Config(tmp_path).from_file("c.json", load=load)


def test_from_file_missing(tmp_path: Path) -> None:
    config = Config(tmp_path)
    assert config.from_file("nope.json", load=json.load, silent=True) is False
    with pytest.raises(OSError, match="Unable to load configuration file"):
        config.from_file("nope.json", load=json.load)


def test_from_prefixed_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOURCEFUL_PORT", "8000")
    monkeypatch.setenv("RESOURCEFUL_NAME", "plain text")
    monkeypatch.setenv("RESOURCEFUL_FLAG", "true")
    monkeypatch.setenv("RESOURCEFUL_DB__HOST", '"db.local"')
    monkeypatch.setenv("OTHER_PORT", "1")
    config = Config("/")
    assert config.from_prefixed_env() is True
    assert config["PORT"] == 8000
    assert config["NAME"] == "plain text"
    assert config["FLAG"] is True
    assert config["DB"] == {"HOST": "db.local"}
    assert "OTHER_PORT" not in config


def test_from_prefixed_env_custom_prefix_and_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MYAPP_VALUE", "42")
    config = Config("/")
    config.from_prefixed_env("MYAPP", loads=str)
    assert config["VALUE"] == "42"


def test_from_prefixed_env_nested_into_non_dict_explains(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESOURCEFUL_DB__HOST", "x")
    config = Config("/", {"DB": "sqlite"})
    with pytest.raises(TypeError, match="config key 'DB' holds a str, not a dict"):
        config.from_prefixed_env()


def test_get_namespace() -> None:
    config = Config("/", {"IMAGE_STORE_TYPE": "fs", "IMAGE_STORE_PATH": "/img", "OTHER": 1})
    assert config.get_namespace("IMAGE_STORE_") == {"type": "fs", "path": "/img"}
    assert config.get_namespace("IMAGE_STORE_", lowercase=False) == {
        "TYPE": "fs",
        "PATH": "/img",
    }
    assert config.get_namespace("IMAGE_STORE_", trim_namespace=False) == {
        "image_store_type": "fs",
        "image_store_path": "/img",
    }


def test_instance_relative_config_loads_from_instance_folder(tmp_path: Path) -> None:
    (tmp_path / "local.cfg").write_text("LOCAL = 1\n")
    app = App(
        "inst",
        root_path="/nonexistent",
        instance_path=str(tmp_path),
        instance_relative_config=True,
    )
    app.config.from_pyfile("local.cfg")
    assert app.config["LOCAL"] == 1


def test_config_repr_names_class() -> None:
    assert repr(Config("/", {"A": 1})) == "<Config {'A': 1}>"


def test_config_class_is_replaceable() -> None:
    class MyConfig(Config):
        pass

    class MyApp(App):
        config_class = MyConfig

    assert isinstance(MyApp("mine", root_path=os.sep).config, MyConfig)


def test_was_set_tells_a_set_key_from_a_default(tmp_path: Path) -> None:
    config = Config(tmp_path, {"A": None, "B": 1, "C": 2, "D": 3, "E": 4})
    assert not any(config.was_set(key) for key in "ABCDE")
    config["A"] = None
    config.update(B=1)
    config.from_mapping({"C": 2})
    config.setdefault("F", 5)
    config |= {"D": 3}
    assert [key for key in "ABCDEF" if config.was_set(key)] == ["A", "B", "C", "D", "F"]
    assert config == {"A": None, "B": 1, "C": 2, "D": 3, "E": 4, "F": 5}
