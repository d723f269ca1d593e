"""Bounds on one GraphQL operation, checked before any upstream request.

Depth and aliases are properties of the document: validation rules, cached with
the rest of validation by document. Page sizes and the cost budget depend on the
variables too, so they are checked right after, on every request, still before
execution. Production mode adds the rules that refuse introspection and the
subgraph SDL (`_service`, the same schema by another name), and leaves
"Did you mean …" suggestions out of validation errors.
"""

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    specified_rules,
    validate,
)
from graphql.language.visitor import SKIP, VisitorAction
from graphql.utilities import get_operation_ast
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from accounts_graph.graph.connection import MAX_PAGE
from accounts_graph.graph.cost import Cost, operation_cost
from accounts_graph.graph.errors import ErrorCode

# The Federation field that answers the subgraph's SDL.
SERVICE = "_service"

# Representations in one `_entities` call, in pages of the largest page size.
REPRESENTATION_PAGES = 10

# Distinct documents whose validation is remembered; clients send the same few.
VALIDATION_CACHE_SIZE = 256


@dataclass(frozen=True)
class QueryLimits:
    """The bounds of one operation (defaults: those of `Settings`)."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_page_size: int = MAX_PAGE
    max_cost: int = 25_000
    # Production: no introspection, no suggestions of names in errors.
    production: bool = False


class Limiter:
    """Everything a schema needs to enforce its limits, built once per schema.

    The rules tuple is part of what validation results are cached by, so it is
    made here once: rules built per request would never hit the cache.
    """

    def __init__(self, limits: QueryLimits) -> None:
        self.limits = limits
        extra: list[type[ASTValidationRule]] = [_shape_rule(limits)]
        if limits.production:
            extra += [NoSchemaIntrospectionCustomRule, NoSubgraphSdlRule]
        # Strawberry's own rules for its `Maybe` and `@oneOf` inputs go last, as
        # its own validation step adds them.
        self.rules: tuple[type[ASTValidationRule], ...] = (
            *specified_rules,
            *extra,
            MaybeNullValidationRule,
            OneOfInputValidationRule,
        )
        self._validated: OrderedDict[
            tuple[int, int], tuple[DocumentNode, list[GraphQLError]]
        ] = OrderedDict()
        # Validations answered from the cache, for tests and curious operators.
        self.validation_hits = 0

    def validate(
        self, schema: GraphQLSchema, document: DocumentNode
    ) -> list[GraphQLError]:
        """Validate with the limits, remembered per document (bounded LRU).

        Keyed by the document's identity: the parser cache hands back the same
        document for the same text, and hashing one walks its whole syntax tree
        (50 to 80 µs a request). The entry keeps the document alive, so its id
        cannot be taken by another.
        """
        key = (id(schema), id(document))
        found = self._validated.get(key)
        if found is not None and found[0] is document:
            self._validated.move_to_end(key)
            self.validation_hits += 1
            return found[1]
        errors = validate(
            schema, document, self.rules, hide_suggestions=self.limits.production
        )
        self._validated[key] = (document, errors)
        if len(self._validated) > VALIDATION_CACHE_SIZE:
            self._validated.popitem(last=False)
        return errors

    def check_cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> tuple[int, list[GraphQLError]]:
        """Return the operation's cost and the errors that refuse it, if any."""
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            # Unknown or ambiguous operation name: execution says which.
            return 0, []
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        cost = operation_cost(
            schema, operation, fragments, variables, self.limits.max_page_size
        )
        if cost.out_of_bounds:
            return cost.total, cost.out_of_bounds
        if cost.total > self.limits.max_cost:
            return cost.total, [_too_costly(operation, cost, self.limits)]
        most = max_representations(self.limits.max_page_size)
        return cost.total, [
            _too_many_representations(node, count, most)
            for node, count in cost.entities
            if count > most
        ]


def max_representations(max_page_size: int) -> int:
    """Return how many representations one `_entities` call may carry.

    Even when they select little, each page of ids of one type is one upstream
    request: ten pages bound a call to ten requests per type.
    """
    return REPRESENTATION_PAGES * max_page_size


def _too_many_representations(node: FieldNode, count: int, most: int) -> GraphQLError:
    return GraphQLError(
        f"'_entities' takes at most {most:,} representations; {count:,} were "
        "sent: split them across requests.",
        nodes=[node],
        extensions={
            "code": ErrorCode.QUERY_TOO_COSTLY.value,
            "representations": count,
            "maxRepresentations": most,
        },
    )


def _too_costly(
    operation: OperationDefinitionNode, cost: Cost, limits: QueryLimits
) -> GraphQLError:
    advice = "fewer representations per '_entities' call, " if cost.entities else ""
    return GraphQLError(
        f"The operation may return up to {cost.total:,} objects, over the budget "
        f"of {limits.max_cost:,}: ask for {advice}smaller pages ('first', 'last') "
        "or fewer nested lists (a list without 'first' counts as a default page).",
        nodes=[operation],
        extensions={
            "code": ErrorCode.QUERY_TOO_COSTLY.value,
            "cost": cost.total,
            "maxCost": limits.max_cost,
        },
    )


class OperationLimits(SchemaExtension):
    """Validate (cached by document) with the limits, then check the cost.

    It takes the place of Strawberry's `ValidationCache`: that one cannot hide
    suggestions, and the cost needs the variables, which no cached rule sees.
    """

    def __init__(self, limiter: Limiter) -> None:
        super().__init__()
        self.limiter = limiter
        self.cost: int | None = None

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = (
            self.limiter.limits.max_tokens
        )
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema = context.schema._schema
        document = context.graphql_document
        assert document is not None
        errors = self.limiter.validate(schema, document)
        # `operation_name` falls back to the first operation's; only the name the
        # request gave (an init-only field Strawberry keeps privately) tells
        # whether the caller chose.
        chosen = getattr(context, "_provided_operation_name", None)
        if not errors and chosen is None:
            errors = _unnamed_choice(document)
        if not errors:
            self.cost, errors = self.limiter.check_cost(
                schema, document, context.operation_name, context.variables
            )
        context.pre_execution_errors = errors
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"estimate": self.cost, "max": self.limiter.limits.max_cost}}


class NoSubgraphSdlRule(ValidationRule):
    """Refuse `_service` on the query root: its SDL describes the whole schema.

    In production a gateway composes from `export-schema --federation` instead.
    """

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        parent = self.context.get_parent_type()
        if node.name.value != SERVICE or parent is not self.context.schema.query_type:
            return
        self.report_error(
            GraphQLError(
                "The subgraph SDL ('_service') is not served in production: "
                "compose the supergraph from `accounts-graph export-schema "
                "--federation`.",
                nodes=[node],
                extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value},
            )
        )


def _shape_rule(limits: QueryLimits) -> type[ASTValidationRule]:
    """Make the rule that bounds each operation's depth and aliases."""

    class OperationShapeRule(ASTValidationRule):
        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_args: Any
        ) -> VisitorAction:
            shape = _Shape(
                {
                    definition.name.value: definition
                    for definition in self.context.document.definitions
                    if isinstance(definition, FragmentDefinitionNode)
                }
            )
            name = f"'{node.name.value}'" if node.name else "The operation"
            depth = shape.depth(node.selection_set)
            if depth > limits.max_depth:
                self.report_error(
                    _limit_error(
                        f"{name} nests {depth} levels deep; the maximum depth is "
                        f"{limits.max_depth}.",
                        node,
                        depth=depth,
                        maxDepth=limits.max_depth,
                    )
                )
            aliases = shape.aliases(node.selection_set)
            if aliases > limits.max_aliases:
                self.report_error(
                    _limit_error(
                        f"{name} uses {aliases} aliases; at most "
                        f"{limits.max_aliases} are allowed.",
                        node,
                        aliases=aliases,
                        maxAliases=limits.max_aliases,
                    )
                )
            return SKIP

    return OperationShapeRule


def _unnamed_choice(document: DocumentNode) -> list[GraphQLError]:
    """Refuse to guess which of several operations a request means to run."""
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if len(operations) < 2:
        return []
    return [
        GraphQLError(
            "The document holds several operations: say which to run with "
            "'operationName'.",
            nodes=operations,
            extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value},
        )
    ]


def _limit_error(
    message: str, node: OperationDefinitionNode, **found: int
) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=[node],
        extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value, **found},
    )


class _Shape:
    """Depth and alias count of selections, fragments measured once each.

    A fragment spread inside itself counts nothing here (validation reports the
    cycle), and so does an unknown one: neither may ever end in a server error.
    """

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.measured: dict[str, tuple[int, int]] = {}
        self.in_progress: set[str] = set()

    def depth(self, selection_set: SelectionSetNode) -> int:
        return self._measure(selection_set)[0]

    def aliases(self, selection_set: SelectionSetNode) -> int:
        return self._measure(selection_set)[1]

    def _measure(self, selection_set: SelectionSetNode) -> tuple[int, int]:
        depth = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                below = (0, 0)
                # Introspection is bounded by the token limit, not the depth:
                # GraphiQL's own schema query nests its type references deep.
                inside = selection.selection_set is not None
                if inside and not selection.name.value.startswith("__"):
                    below = self._measure(selection.selection_set)  # type: ignore[arg-type]
                    depth = max(depth, 1 + below[0])
                aliases += below[1] + (selection.alias is not None)
            elif isinstance(selection, InlineFragmentNode):
                below = self._measure(selection.selection_set)
                depth, aliases = max(depth, below[0]), aliases + below[1]
            elif isinstance(selection, FragmentSpreadNode):
                below = self._fragment(selection.name.value)
                depth, aliases = max(depth, below[0]), aliases + below[1]
        return depth, aliases

    def _fragment(self, name: str) -> tuple[int, int]:
        if name in self.measured:
            return self.measured[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.in_progress:
            return 0, 0
        self.in_progress.add(name)
        self.measured[name] = self._measure(fragment.selection_set)
        self.in_progress.discard(name)
        return self.measured[name]
