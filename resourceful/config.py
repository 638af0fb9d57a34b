"""The application's configuration: a dict with loaders."""

from __future__ import annotations

import errno
import json
import os
import types
import warnings
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import IO, Any

from werkzeug.utils import import_string

#: The keys every application's config starts with, and their defaults
#: (``App.default_config``): Flask's first, then the typed layer's and OpenAPI's.
DEFAULT_CONFIG: Mapping[str, Any] = types.MappingProxyType(
    {
        "DEBUG": None,
        "TESTING": False,
        "PROPAGATE_EXCEPTIONS": None,
        "SECRET_KEY": None,
        "SECRET_KEY_FALLBACKS": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
        "USE_X_SENDFILE": False,
        "TRUSTED_HOSTS": None,
        "SERVER_NAME": None,
        "APPLICATION_ROOT": "/",
        "SESSION_COOKIE_NAME": "session",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_PARTITIONED": False,
        "SESSION_COOKIE_SAMESITE": None,
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_ACCEPT_SHA1": False,
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1_000,
        "SEND_FILE_MAX_AGE_DEFAULT": None,
        "TRAP_BAD_REQUEST_ERRORS": None,
        "TRAP_HTTP_EXCEPTIONS": False,
        "EXPLAIN_TEMPLATE_LOADING": False,
        "PREFERRED_URL_SCHEME": "http",
        "TEMPLATES_AUTO_RELOAD": None,
        "MAX_COOKIE_SIZE": 4093,
        "PROVIDE_AUTOMATIC_OPTIONS": True,
        # Typed resources (MAX_CONTENT_LENGTH too: see API_MAX_CONTENT_LENGTH).
        "PROBLEM_ERROR_PREFIXES": (),
        "VALIDATION_ERROR_STATUS": 422,
        "REJECT_UNKNOWN_FIELDS": True,
        "MAX_VALIDATION_ERRORS": 100,
        "PAGE_SIZE_DEFAULT": 20,
        "PAGE_SIZE_MAX": 100,
        "VALIDATE_RESPONSES": None,
        # OpenAPI and the docs page.
        "OPENAPI_TITLE": None,
        "OPENAPI_VERSION": "0.1.0",
        "OPENAPI_DESCRIPTION": None,
        "OPENAPI_SERVERS": None,
        "OPENAPI_SECURITY_SCHEMES": None,
        "OPENAPI_TYPE_SCHEMAS": None,
        "OPENAPI_URL": "/openapi.json",
        "OPENAPI_30_URL": "/openapi-3.0.json",
        "DOCS_URL": "/docs",
    }
)


def make_timedelta(value: timedelta | int | None) -> timedelta | None:
    """Return ``value`` as a ``timedelta`` (an ``int`` is seconds; ``None`` stays)."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


#: The ``MAX_CONTENT_LENGTH`` an app gets with its first resource, unless its
#: config sets one (``None`` included): 16 MiB. Plain Flask-style apps keep ``None``.
API_MAX_CONTENT_LENGTH = 16 * 1024 * 1024

#: Variables resourceful sets itself, which say nothing about the user's setup.
_OWN_VARIABLES = frozenset({"RESOURCEFUL_RUN_FROM_CLI"})


class FlaskEnvironmentWarning(UserWarning):
    """Flask's ``FLASK_*`` environment variables are set, and resourceful ignores them."""


def warn_about_flask_variables(environ: Mapping[str, str] | None = None) -> None:
    """Warn when ``FLASK_*`` variables are set and no ``RESOURCEFUL_*`` ones.

    A deployment ported from Flask keeps its ``FLASK_APP`` or
    ``FLASK_SECRET_KEY``; ignoring them silently loads the wrong app or
    falls back to defaults. The warning names each variable and its new name.
    Once any ``RESOURCEFUL_*`` variable is set, the port is taken as done.
    """
    environ = os.environ if environ is None else environ
    flask = sorted(name for name in environ if name.startswith("FLASK_"))
    if not flask or any(
        name.startswith("RESOURCEFUL_") and name not in _OWN_VARIABLES for name in environ
    ):
        return
    renames = ", ".join(f"{name} -> RESOURCEFUL_{name[len('FLASK_') :]}" for name in flask)
    warnings.warn(
        f"Flask's environment variables are set but resourceful reads RESOURCEFUL_* ones"
        f" and ignores them: rename {renames}.",
        FlaskEnvironmentWarning,
        stacklevel=2,
    )


class ConfigAttribute:
    """Mirror one configuration key as an attribute of the application."""

    def __init__(self, name: str, get_converter: Callable[[Any], Any] | None = None) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    def __get__(self, obj: Any, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        value = obj.config[self.__name__]
        if self.get_converter is not None:
            value = self.get_converter(value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.config[self.__name__] = value


class Config(dict[str, Any]):
    """A dict of settings that can be filled from files, objects and the environment.

    Only UPPERCASE keys are taken from files and objects, so a config module can
    hold private helpers in lowercase names. ``root_path`` is the folder that
    relative file names are resolved against (the application's root, or its
    instance folder with ``instance_relative_config``).
    """

    def __init__(
        self, root_path: str | os.PathLike[str], defaults: Mapping[str, Any] | None = None
    ):
        super().__init__(defaults or {})
        self.root_path = os.fspath(root_path)
        # The keys set after the defaults (see was_set): dict's own update and
        # setdefault bypass __setitem__, so they are covered too.
        self._set_keys: set[str] = set()

    def __setitem__(self, key: str, value: Any) -> None:
        self._set_keys.add(key)
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Set the keys of a mapping or of ``(key, value)`` pairs, and of the keyword arguments."""
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Return ``self[key]``, setting it to ``default`` first when it is missing."""
        if key not in self:
            self[key] = default
        return self[key]

    def __ior__(self, other: Any) -> Config:  # type: ignore[override,misc]
        self.update(other)
        return self

    def was_set(self, key: str) -> bool:
        """Return whether ``key`` was set after the defaults were loaded (to any value)."""
        return key in self._set_keys

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python file named by the environment variable ``variable_name``.

        Return ``True`` when a file was loaded. With ``silent``, an unset variable
        or a missing file returns ``False`` instead of raising.
        """
        path = os.environ.get(variable_name)
        if not path:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set, so no configuration"
                " file could be loaded from it. Set it to the path of a Python config file,"
                f" for example: export {variable_name}=/path/to/settings.cfg"
            )
        return self.from_pyfile(path, silent=silent)

    def from_prefixed_env(
        self, prefix: str = "RESOURCEFUL", *, loads: Callable[[str], Any] = json.loads
    ) -> bool:
        """Load every environment variable that starts with ``{prefix}_``.

        The prefix is dropped from the key. Each value goes through ``loads``
        (JSON by default) so ``RESOURCEFUL_PORT=8000`` becomes an int; a value
        that does not parse stays a string. A double underscore in the key walks
        into nested dicts: ``RESOURCEFUL_DB__HOST`` sets ``config["DB"]["HOST"]``.
        With the default prefix, ``FLASK_*`` variables and no ``RESOURCEFUL_*``
        ones give a :class:`FlaskEnvironmentWarning`.
        """
        if prefix == "RESOURCEFUL":
            warn_about_flask_variables()
        start = f"{prefix}_"
        for key in sorted(os.environ):
            if not key.startswith(start):
                continue
            raw = os.environ[key]
            try:
                value: Any = loads(raw)
            except Exception:
                value = raw
            name = key[len(start) :]
            if "__" not in name:
                self[name] = value
                continue
            *parents, leaf = name.split("__")
            current: dict[str, Any] = self
            for part in parents:
                child = current.setdefault(part, {})
                if not isinstance(child, dict):
                    raise TypeError(
                        f"Cannot set {key}: config key {part!r} holds a"
                        f" {type(child).__name__}, not a dict to set {leaf!r} in."
                    )
                current = child
            current[leaf] = value
        return True

    def from_pyfile(self, filename: str | os.PathLike[str], silent: bool = False) -> bool:
        """Execute a Python file and load its UPPERCASE names.

        Return ``True`` when the file was loaded; with ``silent``, a missing file
        returns ``False``.
        """
        path = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = path
        try:
            with open(path, "rb") as fh:
                exec(compile(fh.read(), path, "exec"), module.__dict__)
        except OSError as exc:
            if silent and exc.errno in (errno.ENOENT, errno.EISDIR, errno.ENOTDIR):
                return False
            exc.strerror = f"Unable to load configuration file ({exc.strerror})"
            raise
        self.from_object(module)
        return True

    def from_object(self, obj: object | str) -> None:
        """Load the UPPERCASE attributes of ``obj`` (an object, or an import path to one)."""
        if isinstance(obj, str):
            obj = import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: Callable[[IO[Any]], Mapping[str, Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a file with ``load`` (for example :func:`json.load` or :func:`tomllib.load`).

        ``load`` receives the open file (binary when ``text`` is false) and
        returns a mapping whose UPPERCASE keys are loaded.
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "r" if text else "rb") as fh:
                data = load(fh)
        except OSError as exc:
            if silent and exc.errno in (errno.ENOENT, errno.EISDIR):
                return False
            exc.strerror = f"Unable to load configuration file ({exc.strerror})"
            raise
        except TypeError as exc:
            # tomllib.load and friends refuse a text file with a message that does not
            # say which argument of ours to change.
            if text and "binary mode" in str(exc):
                loader = getattr(load, "__qualname__", repr(load))
                raise TypeError(
                    f"{loader} reads binary files, but {filename!r} was opened as text."
                    f" Pass text=False: config.from_file({filename!r}, load=..., text=False)."
                ) from exc
            raise
        return self.from_mapping(data)

    def from_mapping(self, mapping: Mapping[str, Any] | None = None, **kwargs: Any) -> bool:
        """Load the UPPERCASE keys of ``mapping`` and of the keyword arguments."""
        merged: dict[str, Any] = {}
        if mapping is not None:
            merged.update(mapping)
        merged.update(kwargs)
        for key, value in merged.items():
            if key.isupper():
                self[key] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, Any]:
        """Return the keys that start with ``namespace`` as a new dict.

        ``get_namespace("IMAGE_STORE_")`` turns ``IMAGE_STORE_PATH`` into
        ``path`` (keep the prefix with ``trim_namespace=False``, keep the case
        with ``lowercase=False``).
        """
        found: dict[str, Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            name = key[len(namespace) :] if trim_namespace else key
            found[name.lower() if lowercase else name] = value
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
