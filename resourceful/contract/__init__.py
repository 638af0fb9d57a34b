"""Contract tools for tests: call handlers with their own types (:class:`TypedClient`)."""

from resourceful.contract.client import TypedClient as TypedClient
from resourceful.contract.client import UnexpectedResponse as UnexpectedResponse
