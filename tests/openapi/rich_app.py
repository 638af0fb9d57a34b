"""A test API that uses every construct of the typed layer that the OpenAPI document describes.

Real tools (tests/openapi/test_real_tools.py, test_downgrade.py) read its
document: where one of them chokes, the construct it chokes on is here.
The handlers work (an in-memory store) so that real responses can be checked
against the document too.

What it uses, by where the docs describe it:

- types (docs/openapi.md "How types map"): str, int, float, bool, ``Decimal``,
  ``UUID``, date, datetime, time, optional values, an untagged union
  (``int | str``), an overlapping one (``int | float``), a tagged union of
  classes (``Cat | Dog``), a ``str`` Enum and an ``IntEnum``, ``Literal``
  with one and with several values, ``list``, ``set``, ``frozenset``,
  ``tuple[float, float]``, ``tuple[int, ...]``, ``dict`` with str, int and
  Enum keys, nested and recursive classes, a generic class (``Page[Pet]``),
  ``Any``, a custom type described by ``OPENAPI_TYPE_SCHEMAS``;
- fields: defaults, factories, a wire name, description, examples,
  deprecated, read-only, a field that may be ``Unset``, and the validators
  with a JSON Schema form (``ge``/``gt``/``le``/``lt``, ``min_len``/
  ``max_len``, ``matches_re``, ``in_``, ``optional``, ``and_``,
  ``deep_iterable``, ``deep_mapping``);
- binding (docs/binding.md): path values from int, uuid, any, path and
  string converters (one parsed as an Enum), single query values with and
  without defaults, a query group, repeated query values, a header, a header
  group, a cookie, a cookie group, a form group, single form fields, files, a
  list of files, a JSON body, ``Body[list[...]]``, an optional body, a
  ``MergePatch[...]`` body;
- responses (docs/responses.md): a value, ``Reply[...]`` with ``created``,
  ``-> None`` (204), ``-> Response`` with its own media type, a status set by
  ``@operation``;
- operations (docs/resources.md, docs/openapi.md): both handler styles,
  ``collection_rule``, a blueprint with a prefix, tags from the class and
  from ``@operation``, summary and description, ``operation_id``,
  ``deprecated``, ``security`` on classes and operations, servers, security
  schemes and the document's title, version and description;
- conditional requests (docs/http.md): ETag on a 200 and a 304, the
  precondition header parameters (a required If-Match), 412 and 428.

Every operation declares its security (``security = ()`` for the public
ones) and no path ends with a slash, because redocly's recommended ruleset
counts both as errors; the ``collection_rule`` option is how an API chooses
its collection path.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

import attrs
from attrs import validators as v
from werkzeug.datastructures import FileStorage

from resourceful import UNSET, App, Blueprint, Response, Unset, field, url_for
from resourceful.binding import Body, Cookie, File, Form, Header, MergePatch, Query
from resourceful.conditional import Conditional
from resourceful.errors import Problem
from resourceful.render import Reply, created
from resourceful.resources import Resource, operation

T = TypeVar("T")

#: The security schemes of the document; every operation names one or none.
SECURITY_SCHEMES = {
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
}
API_KEY = ({"apiKey": []},)
PUBLIC: tuple[dict[str, list[str]], ...] = ()


class Color(enum.Enum):
    """A pet's colour."""

    BLACK = "black"
    WHITE = "white"
    GINGER = "ginger"


class Priority(enum.IntEnum):
    """How soon to feed."""

    LOW = 1
    HIGH = 2


@attrs.frozen
class Money:
    """An amount and a currency, written ``"12.50 EUR"`` (a type with converter hooks)."""

    amount: Decimal
    currency: str

    @classmethod
    def parse(cls, text: str) -> Money:
        amount, _, currency = text.partition(" ")
        return cls(Decimal(amount), currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


MONEY_SCHEMA = {"type": "string", "pattern": "^[0-9]+(?:[.][0-9]+)? [A-Z]{3}$"}


@attrs.define
class Cat:
    """A cat."""

    kind: Literal["cat"]
    lives: int = attrs.field(default=9, validator=[v.ge(0), v.le(9)])


@attrs.define
class Dog:
    """A dog."""

    kind: Literal["dog"]
    good: bool = True


@attrs.define
class Point:
    """A place on the map."""

    xy: tuple[float, float]
    label: str | None = None


@attrs.define
class Category:
    """A category, with its subcategories (a recursive class)."""

    name: str = attrs.field(validator=v.min_len(1))
    children: list[Category] = attrs.field(factory=list)


_nicknames = v.deep_iterable(v.and_(v.min_len(1), v.max_len(20)), iterable_validator=v.max_len(5))
_scores = v.deep_mapping(key_validator=v.min_len(1), value_validator=v.ge(0))


@attrs.define
class NewPet:
    """What a client sends to add a pet."""

    name: str = field(
        validator=[v.min_len(1), v.max_len(40), v.matches_re(r"[A-Za-z ]+")],
        description="What the pet answers to.",
        examples=["Rex"],
    )
    species: Cat | Dog
    weight: Decimal = attrs.field(validator=[v.gt(0), v.lt(1000)])
    color: Color = Color.BLACK
    priority: Priority = Priority.LOW
    size: Literal["s", "m", "l"] = "m"
    version: Literal[1] = 1
    born: dt.date | None = None
    price: Money | None = None
    home: Point | None = None
    nicknames: list[str] = attrs.field(factory=list, validator=_nicknames)
    tags: set[str] = attrs.field(factory=set)
    owners: frozenset[uuid.UUID] = attrs.field(factory=frozenset)
    ids: tuple[int, ...] = ()
    scores: dict[str, int] = attrs.field(factory=dict, validator=_scores)
    meals: dict[int, str] = attrs.field(factory=dict)
    fur: dict[Color, float] = attrs.field(factory=dict)
    code: int | str = 0
    ratio: int | float = 1
    mood: str = attrs.field(default="calm", validator=v.in_(("calm", "wild")))
    extra: Any = None
    legacy_id: int | None = field(default=None, name="legacyId", deprecated=True)


@attrs.define
class Pet:
    """A pet as the API returns it."""

    id: uuid.UUID
    name: str
    species: Cat | Dog
    weight: Decimal
    color: Color
    priority: Priority
    size: Literal["s", "m", "l"]
    born: dt.date | None
    home: Point | None
    nicknames: list[str]
    tags: set[str]
    scores: dict[str, int]
    created_at: dt.datetime = field(name="createdAt")
    feeding: dt.time = dt.time(8, 30)


@attrs.define
class PetPatch:
    """Fields to change."""

    name: str | None = attrs.field(default=None, validator=v.optional(v.min_len(1)))
    color: Color | None = None
    weight: Decimal | None = attrs.field(default=None, validator=v.optional(v.gt(0)))
    born: dt.date | Unset | None = field(default=UNSET, description="null clears it.")


@attrs.define
class Page(Generic[T]):
    """One page of results."""

    items: list[T]
    total: int
    next: str | None = None


@attrs.define
class PetFilter:
    """Filters and paging of the pet list."""

    color: Color | None = None
    size: list[Literal["s", "m", "l"]] = attrs.field(factory=list)
    born_after: dt.date | None = None
    q: str | None = field(default=None, description="Text to look for in names.")
    limit: int = attrs.field(default=10, validator=[v.ge(1), v.le(50)])


@attrs.define
class Tracing:
    """Tracing headers."""

    trace_id: str = field(name="trace_id", description="The caller's trace id.")
    span: int | None = None


@attrs.define
class Prefs:
    """Cookies with preferences."""

    theme: Literal["light", "dark"] = "light"
    lang: str = "en"


@attrs.define
class Login:
    """A login form."""

    username: str = attrs.field(validator=v.min_len(1))
    password: str = attrs.field(validator=v.min_len(8))
    remember: bool = False


@attrs.define
class Session:
    """A logged-in session."""

    token: str
    expires: dt.datetime


@attrs.define
class Upload:
    """A stored upload."""

    title: str
    files: list[str]
    size: int


@attrs.define
class NewJob:
    """A job to start."""

    task: Literal["vacuum", "reindex"]
    delay: float = attrs.field(default=0.0, validator=v.ge(0))


@attrs.define
class Job:
    """A queued job."""

    id: int
    task: str
    state: Literal["queued"] = "queued"


@attrs.define
class Setting:
    """One setting."""

    value: str


@attrs.define
class User:
    """An administrator's view of a user."""

    id: int = field(read_only=True)
    email: str = attrs.field(validator=v.matches_re(r"[^@]+@[^@]+"))
    admin: bool = False


class Store:
    """The pets and settings, in memory."""

    def __init__(self) -> None:
        self.pets: dict[uuid.UUID, Pet] = {}
        self.settings: dict[str, Setting] = {}

    def add(self, body: NewPet) -> Pet:
        pet = Pet(
            id=uuid.uuid4(),
            name=body.name,
            species=body.species,
            weight=body.weight,
            color=body.color,
            priority=body.priority,
            size=body.size,
            born=body.born,
            home=body.home,
            nicknames=list(body.nicknames),
            tags=set(body.tags),
            scores=dict(body.scores),
            created_at=dt.datetime.now(dt.timezone.utc),
        )
        self.pets[pet.id] = pet
        return pet

    def get(self, pet_id: uuid.UUID) -> Pet:
        pet = self.pets.get(pet_id)
        if pet is None:
            raise Problem(404, title="Pet not found", detail=f"There is no pet {pet_id}.")
        return pet


class PetResource(Resource):
    """Pets and their details."""

    tags = ("pets",)
    security = API_KEY

    def __init__(self, store: Store) -> None:
        self.store = store

    def list(
        self,
        filters: Query[PetFilter],
        tracing: Header[Tracing],
        prefs: Cookie[Prefs],
        x_request_id: Header[str] = "",
        session_id: Cookie[str | None] = None,
    ) -> Page[Pet]:
        """List pets, filtered and paged."""
        pets = [
            pet
            for pet in self.store.pets.values()
            if (filters.color is None or pet.color == filters.color)
            and (not filters.size or pet.size in filters.size)
            and (filters.q is None or filters.q in pet.name)
        ]
        return Page(items=pets[: filters.limit], total=len(pets))

    def create(self, body: NewPet) -> Reply[Pet]:
        """Add a pet."""
        pet = self.store.add(body)
        return created(pet, url_for("pet", pet_id=pet.id))

    def get(self, pet_id: uuid.UUID) -> Pet:
        """Read one pet."""
        return self.store.get(pet_id)

    def replace(self, pet_id: uuid.UUID, body: NewPet) -> Pet:
        """Replace a pet."""
        old = self.store.get(pet_id)
        pet = self.store.add(body)
        del self.store.pets[pet.id]
        pet = attrs.evolve(pet, id=old.id, created_at=old.created_at)
        self.store.pets[old.id] = pet
        return pet

    def update(self, pet_id: uuid.UUID, body: PetPatch) -> Pet:
        """Change some fields of a pet."""
        pet = self.store.get(pet_id)
        changes = {
            key: value
            for key, value in attrs.asdict(body).items()
            if value is not None and value is not UNSET
        }
        if body.born is not UNSET:
            changes["born"] = body.born
        pet = attrs.evolve(pet, **changes)
        self.store.pets[pet_id] = pet
        return pet

    def delete(self, pet_id: uuid.UUID) -> None:
        """Remove a pet."""
        self.store.pets.pop(pet_id, None)


class BulkPetResource(Resource):
    """Several pets at once."""

    tags = ("pets",)
    security = API_KEY

    def __init__(self, store: Store) -> None:
        self.store = store

    @operation(status=201, summary="Add several pets.")
    def post(self, body: Body[list[NewPet]]) -> list[Pet]:
        return [self.store.add(item) for item in body]


class CategoryResource(Resource):
    """The category tree."""

    security = PUBLIC

    def get(self, slug: str) -> Category:
        """Read a category by its path."""
        return Category(name=slug.rsplit("/", 1)[-1], children=[Category(name="sub")])


class ColorResource(Resource):
    """Pets of one colour, by a path value that binding parses as an Enum."""

    security = PUBLIC

    def get(self, color: Color, kind: str, limit: int | None = None) -> list[str]:
        """List the names of the pets of one colour and kind."""
        return [color.value, kind][:limit]


class SettingResource(Resource):
    """Settings, in the HTTP-method style of a ported MethodView, with ETags."""

    security = API_KEY
    conditional = Conditional(required=True)

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, name: str) -> Setting:
        """Read a setting."""
        setting = self.store.settings.get(name)
        if setting is None:
            raise Problem(404, detail=f"No setting {name!r}.")
        return setting

    def current(self, name: str) -> Setting | None:
        """Return the setting as it is (If-Match is checked against it)."""
        return self.store.settings.get(name)

    @operation(status=201)
    def put(self, name: str, body: Setting) -> Setting:
        """Write a setting."""
        self.store.settings[name] = body
        return body

    def patch(self, name: str, patch: MergePatch[Setting]) -> Setting:
        """Change a setting with a JSON merge patch."""
        current = self.get(name)
        self.store.settings[name] = patch.apply(current)
        return self.store.settings[name]

    def delete(self, name: str) -> None:
        """Remove a setting."""
        self.store.settings.pop(name, None)


class LoginResource(Resource):
    """Sessions."""

    security = PUBLIC

    def create(self, form: Form[Login]) -> Session:
        """Log in with a form."""
        expires = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
        return Session(token=f"token-{form.username}", expires=expires)


class UploadResource(Resource):
    """Uploads."""

    security = ({"bearer": []},)

    def create(
        self,
        title: Form[str],
        document: File[FileStorage],
        attachments: File[list[FileStorage]],
        public: Form[bool] = False,
    ) -> Reply[Upload]:
        """Upload a document and its attachments."""
        files = [document, *attachments]
        size = sum(len(item.read()) for item in files)
        upload = Upload(title=title, files=[item.filename or "" for item in files], size=size)
        return Reply(upload, 201, {"Location": "/uploads/1"})


class ReportResource(Resource):
    """Reports."""

    security = API_KEY

    @operation(response_media_type="text/csv")
    def get(self, year: int) -> Response:
        """Export one year as CSV."""
        return Response(f"year,pets\n{year},0\n", mimetype="text/csv")


class JobResource(Resource):
    """Background jobs."""

    tags = ("jobs",)
    security = API_KEY

    @operation(
        status=202,
        summary="Start a job.",
        description="The job runs in the background; poll its URL.",
        operation_id="startJob",
        tags=["jobs", "admin"],
        deprecated=True,
        security=[{"bearer": []}, {"apiKey": []}],
    )
    def create(self, body: NewJob | None = None) -> Job:
        return Job(id=1, task=body.task if body is not None else "vacuum")


class UserResource(Resource):
    """Users, as administrators see them."""

    security = ({"bearer": []},)

    def list(self, admin: bool | None = None, ids: list[int] | None = None) -> list[User]:
        """List users."""
        users = [User(id=1, email="ann@example.com", admin=True)]
        return [user for user in users if admin is None or user.admin == admin]

    def get(self, user_id: int) -> User:
        """Read a user."""
        if user_id != 1:
            raise Problem(404, detail=f"No user {user_id}.")
        return User(id=1, email="ann@example.com", admin=True)


def create_app(config: dict[str, Any] | None = None) -> App:
    """Create the rich test API."""
    app = App(__name__)
    app.config.update(
        TESTING=True,
        OPENAPI_TITLE="Rich API",
        OPENAPI_VERSION="2.1.0",
        OPENAPI_DESCRIPTION="Every construct of resourceful's typed layer.",
        OPENAPI_SERVERS=[{"url": "http://127.0.0.1:5000", "description": "Local"}],
        OPENAPI_SECURITY_SCHEMES=SECURITY_SCHEMES,
        OPENAPI_TYPE_SCHEMAS={Money: MONEY_SCHEMA},
    )
    app.config.update(config or {})
    app.converter.register_structure_hook(Money, lambda value, _: Money.parse(value))
    app.converter.register_unstructure_hook(Money, str)
    store = Store()
    app.add_resource(PetResource(store), "/pets/<uuid:pet_id>", collection_rule="/pets")
    app.add_resource(BulkPetResource(store), "/pets-bulk")
    app.add_resource(CategoryResource, "/categories/<path:slug>")
    app.add_resource(ColorResource, "/colors/<color>/<any(cat, dog):kind>")
    app.add_resource(SettingResource(store), "/settings/<string(minlength=2):name>")
    app.add_resource(LoginResource, "/sessions")
    app.add_resource(UploadResource, "/uploads")
    app.add_resource(ReportResource, "/reports/<int(min=2000, max=2100):year>")
    app.add_resource(JobResource, "/jobs")
    admin = Blueprint("admin", __name__, url_prefix="/admin")
    admin.add_resource(UserResource, "/users/<int:user_id>", collection_rule="/users")
    app.register_blueprint(admin)
    return app


#: A request body for ``POST /pets`` that binding accepts.
NEW_PET = {
    "name": "Rex",
    "species": {"kind": "dog"},
    "weight": "12.5",
    "home": {"xy": [1.5, 2.0], "label": "yard"},
    "tags": ["a"],
    "scores": {"speed": 3},
    "meals": {"8": "kibble"},
}


def response_samples(app: App) -> list[tuple[str, Any]]:
    """Return real response bodies of this app or of the todo example, with their schema names.

    The tools' tests check them against the documents: the document must
    describe what the server really sends.
    """
    client = app.test_client()

    def body(response: Any, status: int) -> Any:
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    if "/todos/" in app.openapi()["paths"]:  # the todo example
        todo = client.post("/todos/", json={"title": "milk", "due": "2030-01-31"})
        return [
            ("Todo", body(todo, 201)),
            ("TodoPage", body(client.get("/todos/"), 200)),
            ("Problem", body(client.get("/todos/?limit=0"), 422)),
        ]
    headers = {"trace-id": "t1"}
    homeless = {key: value for key, value in NEW_PET.items() if key != "home"}
    login = {"username": "ann", "password": "x" * 8}
    return [
        ("Pet", body(client.post("/pets", json=NEW_PET), 201)),
        # A pet whose optional Point (a $ref or null) is null.
        ("Pet", body(client.post("/pets", json=homeless), 201)),
        ("Page_Pet", body(client.get("/pets", headers=headers), 200)),
        ("Category", body(client.get("/categories/a/b"), 200)),
        ("Session", body(client.post("/sessions", data=login), 201)),
        ("Problem", body(client.get("/pets?limit=0", headers=headers), 422)),
    ]
