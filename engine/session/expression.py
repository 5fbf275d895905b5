"""The safe expression language of models and data: a whitelisting parser on Python's `ast`,
evaluated with numpy or with engine tensors — never with eval, exec or compiled code."""
from __future__ import annotations

import ast
import io
import keyword
import operator
import tokenize
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.ops.elementwise import EXPRESSION_FUNCTIONS
from engine.session.i18n import QT_TRANSLATE_NOOP, translate

FUNCTIONS = tuple(EXPRESSION_FUNCTIONS)  # the op table's rows offered in expressions
MAX_LENGTH = 500
MAX_DEPTH = 100

_BINARY_TOKENS = {"+", "-", "*", "/", "**"}
_UNARY_TOKENS = {"+", "-"}
# Tokens made of allowed characters that still are not part of the language.
_FORBIDDEN_TOKENS = {
    ".": QT_TRANSLATE_NOOP("expression", "attribute access is not allowed"),
    "//": QT_TRANSLATE_NOOP("expression", "'//' is not allowed; use '/'"),
}


class ExpressionError(ValueError):
    """An expression the parser rejects; `position` is the 0-based column of the problem."""

    def __init__(self, message: str, position: int | None = None) -> None:
        if position is not None:
            message = translate("expression", "{0} at column {1}").format(message, position + 1)
        super().__init__(message)
        self.message = message
        self.position = position


def parse_expression(text: str, variables: Collection[str] = ("x",), allow_params: bool = False) -> ParsedExpression:
    """Check `text` against the whitelist and parse it; raise ExpressionError naming the first problem.

    Names in `variables` are inputs; any other name is a parameter when `allow_params`, else an error.
    A name in `variables` other than x takes its value from the `params` given to the evaluators.
    """
    if not isinstance(text, str):
        raise ExpressionError(translate("expression", "the expression must be text"))
    if not text.strip():
        raise ExpressionError(translate("expression", "the expression is empty"))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(translate("expression", "the expression is too long ({0} characters; the limit is {1})")
                              .format(len(text), MAX_LENGTH))
    variables = frozenset(variables)
    params = _check_tokens(text, variables, allow_params)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # The token check accepts only what this parse accepts; this is the last line of defence.
        raise ExpressionError(translate("expression", "the expression could not be understood")) from None
    offset = len(text) - len(text.lstrip())
    _check_depth(tree.body, offset)
    _check_constant_parts(tree.body, text, offset)
    return ParsedExpression(text, _convert(tree.body, offset), variables, params)


# Characters that can never start a valid token, with what to tell the user instead.
_ALLOWED_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t+-*/().,")
_COMPARISONS = QT_TRANSLATE_NOOP("expression", "comparisons are not allowed")
_INDEXING = QT_TRANSLATE_NOOP("expression", "indexing with [ ] is not allowed")
_BRACES = QT_TRANSLATE_NOOP("expression", "braces { } are not allowed")
_QUOTES = QT_TRANSLATE_NOOP("expression", "text in quotes is not allowed")
_LINE_BREAKS = QT_TRANSLATE_NOOP("expression", "line breaks are not allowed")
_CHARACTER_MESSAGES = {  # translated where raised
    "^": QT_TRANSLATE_NOOP("expression", "'^' is not a power operator here; use '**' (for example x**2)"),
    "[": _INDEXING, "]": _INDEXING, "{": _BRACES, "}": _BRACES,
    "=": QT_TRANSLATE_NOOP("expression", "'=' is not allowed: write only the right-hand side, without 'y ='"),
    "<": _COMPARISONS, ">": _COMPARISONS, "!": _COMPARISONS, "'": _QUOTES, '"': _QUOTES,
    "#": QT_TRANSLATE_NOOP("expression", "comments are not allowed"),
    "\n": _LINE_BREAKS, "\r": _LINE_BREAKS,
}


def _character_error(text: str) -> ExpressionError | None:
    """The first character no token of the language can contain, if any."""
    for column, char in enumerate(text):
        if char not in _ALLOWED_CHARACTERS:
            if text.startswith("==", column):
                return ExpressionError(translate("expression", _COMPARISONS), column)
            if char in _CHARACTER_MESSAGES:
                return ExpressionError(translate("expression", _CHARACTER_MESSAGES[char]), column)
            if "!" <= char <= "~":
                return ExpressionError(translate("expression", "'{0}' is not allowed; use + - * / ** and parentheses")
                                       .format(char), column)
            return ExpressionError(translate("expression", "unexpected character {0}").format(repr(char)), column)
    return None


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    """Python's tokens of `text` without the bookkeeping ones, up to where the tokenizer gives up."""
    tokens = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT):
                continue
            if token.type == tokenize.ERRORTOKEN and not token.string.strip():
                continue
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError):
        pass  # unbalanced brackets or a bad character: reported by the checks that follow
    return tokens


def _check_tokens(text: str, variables: frozenset[str], allow_params: bool) -> dict[str, int]:
    """One left-to-right pass that raises on the first problem by position; returns parameter positions.

    A two-state machine — expecting an operand (number, name, call, '(' or a sign) or an
    operator — so that each message points at the exact token that went wrong.
    """
    bad_character = _character_error(text)
    params: dict[str, int] = {}
    open_parens: list[tuple[int, str | None]] = []  # (column, the function it calls or None)
    expect_operand = True
    previous: tokenize.TokenInfo | None = None
    tokens = _tokens(text)
    for index, token in enumerate(tokens):
        kind, string, column = token.type, token.string, token.start[1]
        if bad_character is not None and bad_character.position <= column:
            raise bad_character
        following = tokens[index + 1].string if index + 1 < len(tokens) else None
        if kind == tokenize.NAME and keyword.iskeyword(string):
            raise ExpressionError(translate("expression", "'{0}' is not allowed").format(string), column)
        if kind == tokenize.OP and string in _FORBIDDEN_TOKENS:
            raise ExpressionError(translate("expression", _FORBIDDEN_TOKENS[string]), column)
        if kind not in (tokenize.NAME, tokenize.NUMBER, tokenize.OP):
            raise ExpressionError(_unexpected(string), column)

        if expect_operand:
            if kind == tokenize.NUMBER:
                _check_number(string, column)
                expect_operand = False
            elif kind == tokenize.NAME and following == "(":
                if string not in FUNCTIONS:
                    raise ExpressionError(translate("expression", "unknown function '{0}'").format(string), column)
            elif kind == tokenize.NAME:
                if string in FUNCTIONS:
                    raise ExpressionError(translate("expression", "'{0}' is a function; call it like {0}(x)").format(string),
                                          column)
                if string not in variables:
                    _check_parameter_name(string, column, allow_params)
                    params.setdefault(string, column)
                expect_operand = False
            elif string == "(":
                if len(open_parens) >= MAX_DEPTH:
                    raise ExpressionError(_too_deep(), column)
                called = previous.string if previous is not None and previous.type == tokenize.NAME else None
                open_parens.append((column, called))
            elif string in _UNARY_TOKENS:
                pass
            elif string == ")" and previous is not None and previous.string == "(" and open_parens[-1][1]:
                raise ExpressionError(translate("expression", "missing the argument of {0}()").format(open_parens[-1][1]),
                                      column)
            else:
                raise ExpressionError(_unexpected(string), column)
        else:
            if string in _BINARY_TOKENS:
                expect_operand = True
            elif string == ")":
                if not open_parens:
                    raise ExpressionError(_unexpected(")"), column)
                open_parens.pop()
            elif string == "," and open_parens and open_parens[-1][1]:
                raise ExpressionError(translate("expression", "{0}() takes one argument; unexpected ','")
                                      .format(open_parens[-1][1]), column)
            elif kind in (tokenize.NAME, tokenize.NUMBER) or string == "(":
                raise ExpressionError(translate("expression", "missing operator between '{0}' and '{1}' (use * to multiply)")
                                      .format(previous.string, string), column)
            else:
                raise ExpressionError(_unexpected(string), column)
        previous = token

    if bad_character is not None:
        raise bad_character
    if expect_operand:
        message = (translate("expression", "the expression ends too early: something is missing after '{0}'")
                   .format(previous.string) if previous is not None
                   else translate("expression", "the expression ends too early: something is missing"))
        raise ExpressionError(message, len(text.rstrip()))
    if open_parens:
        raise ExpressionError(translate("expression", "'(' is never closed"), open_parens[-1][0])
    return params


def _unexpected(string: str) -> str:
    return translate("expression", "unexpected '{0}'").format(string)


def _too_deep() -> str:
    return translate("expression", "the expression is nested too deeply (more than {0} levels)").format(MAX_DEPTH)


def _check_number(string: str, column: int) -> None:
    if string[-1] in "jJ":
        raise ExpressionError(translate("expression", "complex numbers are not allowed"), column)
    try:
        try:
            float(int(string, 0))  # 12, 1_000, 0x1F
        except ValueError:
            float(string)  # 1.5, 1e-3, .5
    except OverflowError:
        raise ExpressionError(translate("expression", "the number '{0}' is too large").format(_shorten(string)),
                              column) from None
    except ValueError:
        raise ExpressionError(translate("expression", "'{0}' is not a valid number").format(string), column) from None


def _shorten(string: str, limit: int = 20) -> str:
    return string if len(string) <= limit else string[:limit - 1] + "…"


def _check_parameter_name(name: str, column: int, allow_params: bool) -> None:
    if not allow_params:
        raise ExpressionError(translate("expression", "unknown name '{0}'").format(name), column)
    if name.startswith("_"):
        raise ExpressionError(translate("expression", "parameter names cannot start with '_' ('{0}')").format(name), column)


# The parsed tree: tiny immutable nodes that are all the evaluator ever sees.
@dataclass(frozen=True)
class _Number:
    value: float


@dataclass(frozen=True)
class _Name:
    name: str


@dataclass(frozen=True)
class _Unary:
    op: str
    operand: Any


@dataclass(frozen=True)
class _Binary:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True)
class _Call:
    function: str
    argument: Any


_AST_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_AST_UNARY = {ast.USub: "-", ast.UAdd: "+"}


_SAME_LEVEL = ({ast.Add, ast.Sub}, {ast.Mult, ast.Div})


def _check_depth(root: ast.AST, offset: int) -> None:
    # a chain like 1 + 2 + … + 100 is one level, as it reads, though ast nests it to the left
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(_too_deep(), getattr(node, "col_offset", 0) + offset)
        for child in ast.iter_child_nodes(node):
            chained = (isinstance(node, ast.BinOp) and child is node.left and isinstance(child, ast.BinOp)
                       and any({type(node.op), type(child.op)} <= ops for ops in _SAME_LEVEL))
            stack.append((child, depth if chained else depth + 1))


# Why a constant part has no finite value, from numpy's floating-point error message.
_NOT_FINITE_REASONS = (("divide by zero", QT_TRANSLATE_NOOP("expression", "division by zero")),
                       ("overflow", QT_TRANSLATE_NOOP("expression", "too large for a floating-point number")),
                       ("invalid", QT_TRANSLATE_NOOP("expression", "not a real number")))


def _check_constant_parts(root: ast.AST, text: str, offset: int) -> None:
    """A part without names (1/0, 10**400, (-8)**0.5, 0**-1) is folded to one number with numpy's
    float semantics; one that has no finite value is an error pointing at its innermost culprit."""
    stack, culprit = [root], None
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Constant):
            continue
        if not _ast_has_names(node):
            value = _compile(_convert(node, offset), _NUMPY_FUNCTIONS)({})
            if np.isfinite(value):
                continue
            culprit = node
            stack = []   # look only inside the culprit for a smaller one
        stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)
                     and not (isinstance(node, ast.Call) and child is node.func))
    if culprit is None:
        return
    reason = QT_TRANSLATE_NOOP("expression", "not a finite number")
    try:
        with np.errstate(all="raise"):
            _compile(_convert(culprit, offset), _NUMPY_FUNCTIONS, fold=False)({})
    except FloatingPointError as error:
        reason = next((why for key, why in _NOT_FINITE_REASONS if key in str(error)), reason)
    part = ast.get_source_segment(text.strip(), culprit) or ""
    raise ExpressionError(translate("expression", "'{0}' has no finite value: {1}").format(
        _shorten(part), translate("expression", reason)), culprit.col_offset + offset)


def _ast_has_names(node: ast.AST) -> bool:
    functions = {id(call.func) for call in ast.walk(node) if isinstance(call, ast.Call)}
    return any(isinstance(n, ast.Name) and id(n) not in functions for n in ast.walk(node))


def _convert(node: ast.AST, offset: int):
    """The whitelist proper: map the few allowed ast nodes to our tree; anything else is an error."""
    column = getattr(node, "col_offset", 0) + offset  # ast columns are byte offsets; the text is ASCII
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return _Number(float(node.value))
    if isinstance(node, ast.Name) and not node.id.startswith("_"):
        return _Name(node.id)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _AST_UNARY:
        return _Unary(_AST_UNARY[type(node.op)], _convert(node.operand, offset))
    if isinstance(node, ast.BinOp) and type(node.op) in _AST_BINARY:
        return _Binary(_AST_BINARY[type(node.op)], _convert(node.left, offset),
                       _convert(node.right, offset))
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
            and len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], ast.Starred)):
        return _Call(node.func.id, _convert(node.args[0], offset))
    if isinstance(node, ast.Attribute):
        raise ExpressionError(translate("expression", _FORBIDDEN_TOKENS["."]), column)
    raise ExpressionError(translate("expression", "{0} is not allowed").format(type(node).__name__), column)


_NUMPY_FUNCTIONS: dict[str, Callable] = {name: numpy for name, (numpy, _) in EXPRESSION_FUNCTIONS.items()}
_TENSOR_FUNCTIONS: dict[str, Callable] = {name: tensor for name, (_, tensor) in EXPRESSION_FUNCTIONS.items()}


class ParsedExpression:
    """A checked expression: its parameter names and evaluators for numpy arrays and engine tensors."""

    def __init__(self, text: str, tree: Any, variables: frozenset[str], params: dict[str, int]) -> None:
        self.text = text
        self.variables = variables
        self.param_positions = params  # name -> 0-based column of its first use
        self._tree = tree
        self._compiled: dict[str, Callable[[dict], Any]] = {}

    @property
    def params(self) -> list[str]:
        """Parameter names in order of first appearance."""
        return list(self.param_positions)

    def __repr__(self) -> str:
        return f"ParsedExpression({self.text!r}, params={self.params})"

    def evaluate_numpy(self, x: np.ndarray | float, params: dict[str, float] | None = None) -> np.ndarray:
        """Values at `x` (float64, shaped like `x`); NaN/Inf where the maths is undefined."""
        x = np.asarray(x, dtype=np.float64)
        # numpy scalars, not Python floats: (a - a)**-1 is inf, not a ZeroDivisionError
        env = self._environment(x, {name: np.asarray(value, dtype=np.float64) for name, value in (params or {}).items()})
        evaluate = self._compile("numpy", _NUMPY_FUNCTIONS)
        with np.errstate(all="ignore"):
            result = np.asarray(evaluate(env), dtype=np.float64)
        return result if result.shape == x.shape else np.broadcast_to(result, x.shape).copy()

    def evaluate_tensor(self, x, params: dict[str, Any] | None = None):
        """The expression built from engine ops on tensor `x` and parameter tensors (the graph is recorded)."""
        evaluate = self._compile("tensor", _TENSOR_FUNCTIONS)
        result = evaluate(self._environment(x, params or {}))
        if isinstance(result, float):  # a constant expression
            return x * 0.0 + result
        return result if tuple(result.shape) == tuple(x.shape) else result.expand_as(x)

    def _environment(self, x, params: dict) -> dict:
        env = dict(params)
        env["x"] = x
        missing = [name for name in self.param_positions if name not in env]
        if missing:
            raise ValueError(f"no value given for parameter '{missing[0]}' of {self.text!r}")
        return env

    def _compile(self, backend: str, functions: dict[str, Callable]) -> Callable[[dict], Any]:
        if backend not in self._compiled:
            self._compiled[backend] = _compile(self._tree, functions)
        return self._compiled[backend]


_BINARY_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow,
}


def _compile(node, functions: dict[str, Callable], fold: bool = True) -> Callable[[dict], Any]:
    """Turn the tree into nested closures; constant subtrees are folded to one number, with numpy's
    float semantics (1/0 is inf, (-8)**0.5 is nan: never a Python exception)."""
    if isinstance(node, _Number):
        value = node.value if fold else np.float64(node.value)
        return lambda env: value
    if isinstance(node, _Name):
        name = node.name
        return lambda env: env[name]
    if fold and not _has_names(node):
        with np.errstate(all="ignore"):
            value = float(_compile(node, _NUMPY_FUNCTIONS, fold=False)({}))
        return lambda env: value
    if isinstance(node, _Unary):
        operand = _compile(node.operand, functions, fold)
        if node.op == "+":
            return operand
        return lambda env: -operand(env)
    if isinstance(node, _Binary):
        left, right = _compile(node.left, functions, fold), _compile(node.right, functions, fold)
        op = _BINARY_OPS[node.op]
        return lambda env: op(left(env), right(env))
    argument, function = _compile(node.argument, functions, fold), functions[node.function]
    return lambda env: function(argument(env))


def _has_names(node) -> bool:
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, _Name):
            return True
        stack.extend(getattr(node, field) for field in ("operand", "left", "right", "argument") if hasattr(node, field))
    return False
