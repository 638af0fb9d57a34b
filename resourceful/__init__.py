"""resourceful: Flask's API on werkzeug, centred on typed, class-based resources.

This module only re-exports the public names; each lives in the module named
after its concern.
"""

__version__ = "0.1.0"

from markupsafe import Markup as Markup
from markupsafe import escape as escape

from . import json as json
from . import typed as typed  # importing it plugs the typed layer into the core
from . import views as views
from .app import App as App
from .binding import Body as Body
from .binding import Cookie as Cookie
from .binding import File as File
from .binding import Form as Form
from .binding import Header as Header
from .binding import MergePatch as MergePatch
from .binding import Path as Path
from .binding import Query as Query
from .binding import Source as Source
from .blueprints import Blueprint as Blueprint
from .blueprints import BlueprintSetupState as BlueprintSetupState
from .config import Config as Config
from .convert import Converter as Converter
from .convert import make_converter as make_converter
from .ctx import after_this_request as after_this_request
from .ctx import copy_current_request_context as copy_current_request_context
from .ctx import has_app_context as has_app_context
from .ctx import has_request_context as has_request_context
from .errors import DefinitionError as DefinitionError
from .errors import Problem as Problem
from .errors import RequestValidationError as RequestValidationError
from .errors import ResponseValidationError as ResponseValidationError
from .fields import UNSET as UNSET
from .fields import Unset as Unset
from .fields import field as field
from .fields import set_fields as set_fields
from .flashing import flash as flash
from .flashing import get_flashed_messages as get_flashed_messages
from .globals import _app_ctx_stack as _app_ctx_stack
from .globals import _request_ctx_stack as _request_ctx_stack
from .globals import current_app as current_app
from .globals import g as g
from .globals import request as request
from .globals import session as session
from .helpers import abort as abort
from .helpers import make_response as make_response
from .helpers import redirect as redirect
from .helpers import safe_join as safe_join
from .helpers import send_file as send_file
from .helpers import send_from_directory as send_from_directory
from .helpers import stream_with_context as stream_with_context
from .helpers import url_for as url_for
from .json import jsonify as jsonify
from .providers import Provide as Provide
from .providers import Provided as Provided
from .render import Reply as Reply
from .render import created as created
from .resources import Resource as Resource
from .resources import operation as operation
from .security import PUBLIC as PUBLIC
from .security import Security as Security
from .signals import Namespace as Namespace
from .signals import appcontext_popped as appcontext_popped
from .signals import appcontext_pushed as appcontext_pushed
from .signals import appcontext_tearing_down as appcontext_tearing_down
from .signals import before_render_template as before_render_template
from .signals import got_request_exception as got_request_exception
from .signals import message_flashed as message_flashed
from .signals import request_finished as request_finished
from .signals import request_started as request_started
from .signals import request_tearing_down as request_tearing_down
from .signals import signals_available as signals_available
from .signals import template_rendered as template_rendered
from .templating import get_template_attribute as get_template_attribute
from .templating import render_template as render_template
from .templating import render_template_string as render_template_string
from .templating import stream_template as stream_template
from .templating import stream_template_string as stream_template_string
from .wrappers import Request as Request
from .wrappers import Response as Response
