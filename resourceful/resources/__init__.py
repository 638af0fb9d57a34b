"""Declarative resources: one class, typed handlers, generated rules.

A :class:`Resource` names its handlers after what they do; the name decides
the HTTP method and whether the handler serves the *collection* or one
*member*:

============  ========  ============================  ====================
handler       method    rule                          default status
============  ========  ============================  ====================
``list``      GET       collection (``/todos/``)      200
``create``    POST      collection                    201
``get``       GET       member (``/todos/<int:id>``)  200
``replace``   PUT       member                        200
``update``    PATCH     member                        200
``delete``    DELETE    member                        200 (204 for ``None``)
============  ========  ============================  ====================

Register the class with the member rule; the collection rule is the member
rule without its last variable segment::

    @app.resource("/todos/<int:todo_id>")
    class Todo(Resource):
        def list(self, filters: Query[TodoFilter]) -> list[TodoOut]: ...
        def create(self, body: NewTodo) -> Reply[TodoOut]: ...
        def get(self, todo_id: int) -> TodoOut: ...
        def delete(self, todo_id: int) -> None: ...

This registers ``/todos/`` (endpoint ``todo_list``: GET, POST) and
``/todos/<int:todo_id>`` (endpoint ``todo``: GET, DELETE). A class with only
member handlers, or only collection handlers, serves the rule as given.

A class that defines ``post``, ``put`` or ``patch`` names its handlers after
HTTP methods instead (``get``, ``post``, ``put``, ``patch``, ``delete``), all
on the rule as given, with 200 (or 204) unless ``@operation(status=...)``
says otherwise; the two styles do not mix.

Why not a :class:`~resourceful.views.MethodView`: one class serves two
rules, and a method view's ``get`` cannot be both "list" and "read one".

Every handler is read once, at registration, into
:class:`~resourceful.operation.Operation` records; the view function
registered for each rule (a :class:`ResourceView`) carries them in
``.operations`` and binds, calls and renders with steps compiled from them.
Definition mistakes raise :class:`~resourceful.errors.DefinitionError` at
class creation or registration.

The package follows a resource from its class to its requests:
:mod:`.declare` (the class and ``@operation``), :mod:`.plan` (rules,
endpoints and operation records, computed once and pure), :mod:`.register`
(adding the rules to an app or blueprint) and :mod:`.view` (serving them).
"""

from .declare import COLLECTION_HANDLERS as COLLECTION_HANDLERS
from .declare import MEMBER_HANDLERS as MEMBER_HANDLERS
from .declare import METHOD_HANDLERS as METHOD_HANDLERS
from .declare import Resource as Resource
from .declare import operation as operation
from .plan import plan_rules as plan_rules
from .register import register_resource as register_resource
from .view import ResourceView as ResourceView

__all__ = [
    "COLLECTION_HANDLERS",
    "MEMBER_HANDLERS",
    "Resource",
    "ResourceView",
    "operation",
    "register_resource",
]
