"""OpenAPI 3.1 documents and JSON Schema 2020-12 generated from resources.

The package, by facet: :mod:`.names` (schema names), :mod:`.constraints`
(attrs validators as keywords), :mod:`.values` (defaults and examples),
:mod:`.schema` (the generator and its schema hooks), :mod:`.parameters`
(an operation's input), :mod:`.responses` (its responses and problems),
:mod:`.document` (the whole document) and :mod:`.ui` (serving it).
"""

from resourceful.openapi.document import register_schema_hook as register_schema_hook
from resourceful.openapi.names import SchemaError as SchemaError
from resourceful.openapi.names import schema_name as schema_name
from resourceful.openapi.schema import JSON_SCHEMA_DIALECT as JSON_SCHEMA_DIALECT
from resourceful.openapi.schema import SchemaGenerator as SchemaGenerator
from resourceful.openapi.schema import SchemaHook as SchemaHook
from resourceful.openapi.schema import json_schema as json_schema
