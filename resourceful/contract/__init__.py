"""Contract tools for tests: typed calls in-process and over HTTP, the self-test, coverage.

The self-test (:mod:`resourceful.contract.selftest`) needs Hypothesis and is
imported on its own; everything here works without it.
"""

from resourceful.contract.auth import Credentials as Credentials
from resourceful.contract.client import TypedClient as TypedClient
from resourceful.contract.client import UnexpectedResponse as UnexpectedResponse
from resourceful.contract.http import HTTPClient as HTTPClient
