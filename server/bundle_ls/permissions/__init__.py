"""Permission rules: a small logic language over roles, privileges, location tags and
locations (docs/permission-rules.md).

Everything here is a pure function of plain data: the caller builds a `World` from the
checked configuration, parses each `when` with `parse`, and maps value spans to document
positions with `map_yaml_scalar` / `map_csv_cell`. Nothing reads files.
"""

from .editor import (
    CompletionItem,
    HoverText,
    NameRef,
    SemanticToken,
    completion,
    describe,
    hover,
    name_at,
    names,
    references,
    rename_edits,
    semantic_tokens,
)
from .expr import (
    FUNCS,
    And,
    Atom,
    Const,
    Expr,
    ExprSyntaxError,
    ExprToken,
    Not,
    Or,
    ParsedExpr,
    atoms,
    needs_quotes,
    parse,
    write_name,
)
from .findings import SEVERITY, RuleChecker, RuleFinding, check_expression, redundant
from .logic import MAX_ATOMS, Judgement, Situation, judge
from .report import (
    Explanation,
    Matrix,
    UnknownName,
    explain,
    explanation_json,
    explanation_text,
    matrix,
    matrix_csv,
    matrix_json,
    matrix_text,
)
from .source_map import (
    SourceMap,
    map_csv_cell,
    map_yaml_scalar,
    preferred_quote,
    quote_yaml,
    value_edits,
)
from .world import (
    Location,
    LocationTag,
    Origin,
    Privilege,
    Role,
    Rule,
    World,
    WorldIndex,
)

# The vocabulary keyword that makes a string property a permission-rule expression.
EXPRESSION_KEYWORD = "x-expression"
EXPRESSION_LANGUAGE = "permission-rule"

__all__ = [
    "EXPRESSION_KEYWORD",
    "EXPRESSION_LANGUAGE",
    "FUNCS",
    "MAX_ATOMS",
    "SEVERITY",
    "And",
    "Atom",
    "CompletionItem",
    "Const",
    "Explanation",
    "Expr",
    "ExprSyntaxError",
    "ExprToken",
    "HoverText",
    "Judgement",
    "Location",
    "LocationTag",
    "Matrix",
    "NameRef",
    "Not",
    "Or",
    "Origin",
    "ParsedExpr",
    "Privilege",
    "Role",
    "Rule",
    "RuleChecker",
    "RuleFinding",
    "SemanticToken",
    "Situation",
    "SourceMap",
    "UnknownName",
    "World",
    "WorldIndex",
    "atoms",
    "check_expression",
    "completion",
    "describe",
    "explain",
    "explanation_json",
    "explanation_text",
    "hover",
    "judge",
    "map_csv_cell",
    "map_yaml_scalar",
    "matrix",
    "matrix_csv",
    "matrix_json",
    "matrix_text",
    "name_at",
    "names",
    "needs_quotes",
    "parse",
    "preferred_quote",
    "quote_yaml",
    "redundant",
    "references",
    "rename_edits",
    "semantic_tokens",
    "value_edits",
    "write_name",
]
