#!/usr/bin/env python3
"""Parser for Kiln's operator schema table (compiler/import/schemas/aten.schemas).

The table holds torch >= 2.9 operator schemas, one per line, `<tags> <schema>`, where
`<schema>` is `ns::name[.overload](args) -> returns` exactly as native_functions.yaml
spells it. This module is the single Python reader of that table: export.py uses it to
name and omit arguments the way torch.export's serializer does, reference.py uses it to
fill omitted arguments with their defaults.

Only the standard library is used, so the parser also runs without torch.
"""

import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_TABLE = os.path.join(REPO_ROOT, "compiler", "import", "schemas", "aten.schemas")


class SchemaError(Exception):
    pass


@dataclass(frozen=True)
class Type:
    """A schema type. `Tensor?[]` is base=Tensor, is_list, elem_optional."""

    base: str  # Tensor, int, SymInt, float, bool, str, Scalar, ScalarType, ...
    is_list: bool = False
    list_size: Optional[int] = None  # N in `int[N]`
    optional: bool = False  # the whole value may be None (`int[1]?`, `Tensor?`)
    elem_optional: bool = False  # `Tensor?[]`
    mutable: bool = False  # alias annotation with `!`, e.g. Tensor(a!)
    alias: Optional[str] = None  # alias set, e.g. "a"

    @property
    def is_tensor(self) -> bool:
        return self.base == "Tensor"

    @property
    def is_int_like(self) -> bool:
        return self.base in ("int", "SymInt")

    def __str__(self) -> str:
        s = self.base
        if self.alias is not None:
            s += "(%s%s)" % (self.alias, "!" if self.mutable else "")
        if self.elem_optional:
            s += "?"
        if self.is_list:
            s += "[%s]" % (self.list_size if self.list_size is not None else "")
        if self.optional:
            s += "?"
        return s


_NO_DEFAULT = object()


@dataclass
class Argument:
    name: str
    type: Type
    default: Any = _NO_DEFAULT  # Python value; _NO_DEFAULT when the schema gives none
    kwarg_only: bool = False

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT


@dataclass
class Return:
    type: Type
    name: Optional[str] = None


@dataclass
class Schema:
    namespace: str
    name: str
    overload: str  # "" for the default overload
    arguments: List[Argument]
    returns: List[Return]
    tags: List[str] = field(default_factory=list)
    text: str = ""

    @property
    def overload_name(self) -> str:
        return self.overload or "default"

    @property
    def key(self) -> str:
        """`aten::conv2d.default`, `aten::add.Tensor`: the lookup key."""
        return "%s::%s.%s" % (self.namespace, self.name, self.overload_name)

    @property
    def target(self) -> str:
        """The node target string torch.export writes: torch.ops.aten.add.Tensor."""
        return "torch.ops.%s.%s.%s" % (self.namespace, self.name, self.overload_name)

    @property
    def is_inplace(self) -> bool:
        return bool(self.arguments) and self.arguments[0].type.mutable

    def argument(self, name: str) -> Argument:
        for a in self.arguments:
            if a.name == name:
                return a
        raise KeyError("%s has no argument %r" % (self.key, name))


# ----------------------------------------------------------------------------------------
# Parsing


def _split_top(s: str, sep: str = ",") -> List[str]:
    """Split on `sep` outside brackets, parentheses and quotes."""
    parts, depth, cur, quote = [], 0, [], None
    for ch in s:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    tail = "".join(cur).strip()
    if tail or parts:
        parts.append(tail)
    return [p for p in parts if p != ""]


_TYPE_RE = re.compile(
    r"^(?P<base>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\((?P<alias>[a-z0-9_* >-]+?)(?P<bang>!)?\))?"
    r"(?P<eopt>\?)?"
    r"(?:\[(?P<size>\d*)\])?"
    r"(?P<opt>\?)?$"
)


def parse_type(text: str) -> Type:
    text = text.strip()
    m = _TYPE_RE.match(text)
    if not m:
        raise SchemaError("cannot parse type %r" % text)
    is_list = m.group("size") is not None
    eopt = bool(m.group("eopt"))
    if eopt and not is_list:
        # `Tensor?` (no list): the question mark belongs to the whole type.
        return Type(base=m.group("base"), optional=True,
                    mutable=bool(m.group("bang")), alias=m.group("alias"))
    size = m.group("size")
    return Type(
        base=m.group("base"),
        is_list=is_list,
        list_size=int(size) if size else None,
        optional=bool(m.group("opt")),
        elem_optional=eopt,
        mutable=bool(m.group("bang")),
        alias=m.group("alias"),
    )


# Enum-like default spellings that appear in native_functions.yaml. They are kept as
# strings tagged with their kind so that callers can convert them (torch.contiguous_format
# etc.) without this module importing torch.
@dataclass(frozen=True)
class EnumDefault:
    kind: str  # "MemoryFormat", "ScalarType", "Layout", "Reduction"
    value: str

    def __str__(self) -> str:
        return self.value


_ENUM_DEFAULTS = {
    "contiguous_format": "MemoryFormat",
    "preserve_format": "MemoryFormat",
    "channels_last": "MemoryFormat",
    "strided": "Layout",
    "long": "ScalarType",
    "float": "ScalarType",
    "int": "ScalarType",
    "Mean": "Reduction",
    "Sum": "Reduction",
    "None_": "Reduction",
}

_REDUCTION = {"None_": 0, "Mean": 1, "Sum": 2}


def _parse_scalar_default(text: str, base: str) -> Any:
    t = text.strip()
    if t == "None":
        return None
    if t == "True":
        return True
    if t == "False":
        return False
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":
        return t[1:-1]
    if t in ("inf", "-inf"):
        return float(t)
    if base == "Reduction" or (base == "int" and t in _REDUCTION):
        return _REDUCTION[t]
    if t in _ENUM_DEFAULTS and base not in ("int", "SymInt", "float"):
        return EnumDefault(_ENUM_DEFAULTS[t], t)
    try:
        if re.fullmatch(r"[-+]?\d+", t):
            v = int(t)
            return float(v) if base == "float" else v
        return float(t)
    except ValueError:
        pass
    if t in _ENUM_DEFAULTS:
        return EnumDefault(_ENUM_DEFAULTS[t], t)
    raise SchemaError("cannot parse default %r" % text)


def parse_default(text: str, typ: Type) -> Any:
    t = text.strip()
    if t == "None":
        return None
    if typ.is_list:
        if t.startswith("["):
            inner = t[1:-1].strip()
            return [_parse_scalar_default(x, typ.base) for x in _split_top(inner)] if inner else []
        # `int[2] stride=1` means [1, 1]; an unsized list with a scalar default is [v].
        v = _parse_scalar_default(t, typ.base)
        return [v] * (typ.list_size or 1)
    return _parse_scalar_default(t, typ.base)


def parse_argument(text: str, kwarg_only: bool) -> Argument:
    if "=" in text:
        decl, default_text = text.split("=", 1)
    else:
        decl, default_text = text, None
    decl = decl.strip()
    type_text, _, name = decl.rpartition(" ")
    if not type_text:
        raise SchemaError("argument %r has no name" % text)
    typ = parse_type(type_text)
    arg = Argument(name=name, type=typ, kwarg_only=kwarg_only)
    if default_text is not None:
        arg.default = parse_default(default_text, typ)
    return arg


def _parse_returns(text: str) -> List[Return]:
    t = text.strip()
    if t.startswith("(") and t.endswith(")"):
        items = _split_top(t[1:-1])
    else:
        items = [t]
    rets = []
    for item in items:
        item = item.strip()
        if " " in item:
            ty, name = item.rsplit(" ", 1)
            rets.append(Return(parse_type(ty), name))
        else:
            rets.append(Return(parse_type(item)))
    return rets


_SCHEMA_RE = re.compile(r"^(?P<ns>\w+)::(?P<name>\w+)(?:\.(?P<ov>\w+))?\((?P<args>.*)\)\s*->\s*(?P<rets>.+)$")


def parse_schema(text: str, tags: Optional[List[str]] = None) -> Schema:
    text = text.strip()
    m = _SCHEMA_RE.match(text)
    if not m:
        raise SchemaError("cannot parse schema %r" % text)
    args, kwarg_only = [], False
    for part in _split_top(m.group("args")):
        if part == "*":
            kwarg_only = True
            continue
        args.append(parse_argument(part, kwarg_only))
    return Schema(
        namespace=m.group("ns"),
        name=m.group("name"),
        overload=m.group("ov") or "",
        arguments=args,
        returns=_parse_returns(m.group("rets")),
        tags=list(tags or []),
        text=text,
    )


class SchemaTable:
    """All schemas of one table file, looked up by `ns::name.overload`."""

    def __init__(self, path: str = DEFAULT_TABLE):
        self.path = path
        self._by_key: Dict[str, Schema] = {}
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                tag_text, _, schema_text = line.partition(" ")
                tags = [] if tag_text == "-" else tag_text.split(",")
                try:
                    s = parse_schema(schema_text, tags)
                except SchemaError as e:
                    raise SchemaError("%s:%d: %s" % (path, lineno, e)) from None
                self._by_key[s.key] = s

    @staticmethod
    def key(qualified_name: str, overload: str = "default") -> str:
        return "%s.%s" % (qualified_name, overload or "default")

    def get(self, key: str) -> Optional[Schema]:
        """`key` is `aten::add.Tensor` or `aten::relu` (meaning `.default`)."""
        if key.count(".") == 0:
            key += ".default"
        return self._by_key.get(key)

    def lookup(self, key: str) -> Schema:
        s = self.get(key)
        if s is None:
            raise KeyError("operator %s is not in %s" % (key, self.path))
        return s

    def from_target(self, target: str) -> Optional[Schema]:
        """Schema for a node target such as `torch.ops.aten.add.Tensor`."""
        parts = target.split(".")
        if len(parts) != 5 or parts[:2] != ["torch", "ops"]:
            return None
        return self.get("%s::%s.%s" % (parts[2], parts[3], parts[4]))

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __iter__(self):
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)


_TABLE_CACHE: Dict[str, SchemaTable] = {}


def load(path: str = DEFAULT_TABLE) -> SchemaTable:
    if path not in _TABLE_CACHE:
        _TABLE_CACHE[path] = SchemaTable(path)
    return _TABLE_CACHE[path]


if __name__ == "__main__":
    import sys

    table = load(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_TABLE)
    for s in table:
        args = ", ".join(
            "%s%s %s%s" % ("*" if a.kwarg_only else "", a.type, a.name,
                           "=%r" % (a.default,) if a.has_default else "")
            for a in s.arguments)
        print("%-55s (%s) -> %s" % (s.key, args, ", ".join(str(r.type) for r in s.returns)))
    print("%d schemas" % len(table), file=sys.stderr)
