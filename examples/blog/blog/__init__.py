"""A small server-rendered blog: blueprints, templates, sessions, flashing, static files.

Run it from ``examples/blog``::

    resourceful --app blog init-db
    resourceful --app blog run --debug
"""

from __future__ import annotations

import os
from typing import Any

from resourceful import App


def create_app(test_config: dict[str, Any] | None = None) -> App:
    """Create and configure the blog application."""
    app = App(__name__, instance_relative_config=True)
    app.config.from_mapping(
        # Replace it in production: config.py in the instance folder overrides it.
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "blog.sqlite"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    from . import auth, db, posts

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(posts.bp)
    return app
