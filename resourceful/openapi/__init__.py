"""OpenAPI 3.1 documents and JSON Schema 2020-12 generated from resources."""

from resourceful.openapi.schema import JSON_SCHEMA_DIALECT as JSON_SCHEMA_DIALECT
from resourceful.openapi.schema import SchemaError as SchemaError
from resourceful.openapi.schema import SchemaGenerator as SchemaGenerator
from resourceful.openapi.schema import json_schema as json_schema
from resourceful.openapi.schema import schema_name as schema_name
