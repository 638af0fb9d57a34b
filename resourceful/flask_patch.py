"""Make ``import flask`` give resourceful, so that Flask's extensions run on it.

Import this module before anything imports ``flask``, typically as the first
line of the application package (and of the tests' ``conftest.py``)::

    import resourceful.flask_patch  # noqa: F401  (before any extension)

    from flask_login import LoginManager
    from resourceful import App

From then on, in this process, ``flask`` and its submodules are aliases of
resourceful's modules (:data:`resourceful.flask_alias.ALIASES` is the whole
tree), ``flask.Flask`` is :class:`resourceful.App`, and ``flask.__version__``
and ``importlib.metadata.version("flask")`` are
:data:`resourceful.flask_alias.FLASK_VERSION`, even when the real Flask is
installed, which can no longer be imported. Importing this module after the
real Flask was imported raises
:class:`~resourceful.flask_alias.FlaskAlreadyImported`: two frameworks'
context globals in one process make extensions talk to the wrong one.
"""

from .flask_alias import FLASK_VERSION as FLASK_VERSION
from .flask_alias import FlaskAlreadyImported as FlaskAlreadyImported
from .flask_alias import install

install()
