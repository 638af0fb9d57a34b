"""The app's cattrs converter: strict JSON and stated rules for strings.

:func:`make_converter` returns a :class:`Converter`, a ``cattrs.Converter``
with two sets of rules:

* **JSON** (``converter.structure``): a value's JSON type must match the
  declared type. ``"false"`` is not a bool, ``3.9`` is not an int, ``1`` is
  not a str and ``true`` is not an int.
* **Text** (``converter.text.structure``): strings from the path, the query
  string, headers and cookies are parsed by fixed rules: booleans are
  ``true/false/1/0/yes/no/on/off`` (any case), integers are an optional
  sign and ASCII digits (``"3.9"``, ``" 1"`` and ``"١٢"`` are refused),
  numbers, decimals, dates, datetimes and times follow the patterns in
  :mod:`.parsers` (RFC 3339 for dates and times, in JSON strings too),
  enums and literals match by value.

Both report *every* problem at once: structuring raises :class:`InvalidData`
whose :attr:`~InvalidData.violations` each carry an RFC 6901 pointer built
from wire names (``"/items/0/qty"``) and a detail saying what is wrong and
what was expected. attrs validators are run one field at a time so that each
failing field gets its own pointer.

Hooks are built once per type by hook factories and cached by cattrs, the way
``cattrs.gen.make_dict_structure_fn`` works; nothing is inspected per call.
Hooks registered by users with ``register_structure_hook`` take precedence.

The package, leaves first: :mod:`.violations` (what is reported),
:mod:`.parsers` (the grammars of numbers, dates and times), :mod:`.typeinfo` (what a type is),
:mod:`.describe` (names in messages), :mod:`.hooks` (collectors),
:mod:`.validators` (compiled attrs validators), :mod:`.containers`
(lists, sets, tuples), :mod:`.attrs_gen` (generated per-class structuring),
:mod:`.json_rules` and :mod:`.text_rules`, and :mod:`.converter`, which puts
them together.
"""

from .converter import Converter as Converter
from .converter import TextConverter as TextConverter
from .converter import make_converter as make_converter
from .describe import describe as describe
from .describe import expected as expected
from .hooks import FAILED as FAILED
from .hooks import Collector as Collector
from .hooks import StructureHook as StructureHook
from .hooks import collector_of as collector_of
from .parsers import DECIMAL_MAX_EXPONENT_DIGITS as DECIMAL_MAX_EXPONENT_DIGITS
from .parsers import DECIMAL_TEXT_PATTERN as DECIMAL_TEXT_PATTERN
from .parsers import INTEGER_TEXT_PATTERN as INTEGER_TEXT_PATTERN
from .parsers import NUMBER_TEXT_PATTERN as NUMBER_TEXT_PATTERN
from .typeinfo import attrs_fields as attrs_fields
from .typeinfo import is_multi_valued as is_multi_valued
from .validators import Check as Check
from .validators import compile_validator as compile_validator
from .violations import INPUT_ERRORS as INPUT_ERRORS
from .violations import CappedList as CappedList
from .violations import Found as Found
from .violations import InvalidData as InvalidData
from .violations import Violation as Violation
from .violations import escape_pointer as escape_pointer
from .violations import pairs_from as pairs_from
from .violations import violations_from as violations_from

__all__ = [
    "Converter",
    "InvalidData",
    "TextConverter",
    "Violation",
    "make_converter",
]
