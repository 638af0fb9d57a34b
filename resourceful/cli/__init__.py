"""The ``resourceful`` command line: find the app, then run, list routes, open a shell.

One module per concern:

- :mod:`~resourceful.cli.discovery` finds the application (``--app``,
  ``RESOURCEFUL_APP``, ``wsgi.py`` or ``app.py``) and holds :class:`ScriptInfo`,
  :func:`with_appcontext` and the debug flag;
- :mod:`~resourceful.cli.dotenv` loads ``.env`` and ``.resourcefulenv`` files;
- :mod:`~resourceful.cli.commands` holds the built-in ``run``, ``shell`` and
  ``routes`` commands;
- :mod:`~resourceful.cli.openapi` holds the ``openapi`` group: write the
  document, ``diff`` two documents, ``check`` the app against a stored one;
- :mod:`~resourceful.cli.groups` holds :class:`AppGroup` (``app.cli``),
  :class:`ResourcefulGroup`, the ``resourceful`` command ``cli`` and :func:`main`.

Everything public is importable from here.
"""

from .commands import CertParamType as CertParamType
from .commands import SeparatedPathType as SeparatedPathType
from .commands import routes_command as routes_command
from .commands import run_command as run_command
from .commands import shell_command as shell_command
from .commands import show_server_banner as show_server_banner
from .discovery import APP_NAMES as APP_NAMES
from .discovery import DEFAULT_APP_FILES as DEFAULT_APP_FILES
from .discovery import FACTORY_NAMES as FACTORY_NAMES
from .discovery import NoAppException as NoAppException
from .discovery import ScriptInfo as ScriptInfo
from .discovery import find_app_by_string as find_app_by_string
from .discovery import find_best_app as find_best_app
from .discovery import get_debug_flag as get_debug_flag
from .discovery import locate_app as locate_app
from .discovery import parse_app_expression as parse_app_expression
from .discovery import pass_script_info as pass_script_info
from .discovery import prepare_import as prepare_import
from .discovery import split_app_path as split_app_path
from .discovery import with_appcontext as with_appcontext
from .dotenv import DOTENV_FILES as DOTENV_FILES
from .dotenv import load_dotenv as load_dotenv
from .groups import PLUGIN_GROUP as PLUGIN_GROUP
from .groups import AppGroup as AppGroup
from .groups import ResourcefulGroup as ResourcefulGroup
from .groups import cli as cli
from .groups import main as main
from .openapi import check_command as check_command
from .openapi import diff_command as diff_command
from .openapi import openapi_command as openapi_command
