"""A second subgraph for the federation tests: agreements, made with accounts.

It knows an account only by its id (`@key(fields: "id")`), as another domain
service of the platform would; a gateway asks the accounts-graph subgraph for
everything else about it. Its data is whatever the test hands it.
"""

from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.asgi import GraphQL


@dataclass(frozen=True)
class AgreementRecord:
    id: str
    name: str
    account_id: str


@strawberry.type(description="A commercial agreement made with an account.")
class Agreement:
    id: strawberry.ID
    name: str
    account: "Account"

    @classmethod
    def from_record(cls, record: AgreementRecord) -> "Agreement":
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            account=Account(id=strawberry.ID(record.account_id)),
        )


@strawberry.federation.type(keys=["id"])
class Account:
    id: strawberry.ID

    @strawberry.field(description="The account's agreements.")
    def agreements(self, info: strawberry.Info) -> list[Agreement]:
        records: list[AgreementRecord] = info.context["agreements"]
        return [Agreement.from_record(r) for r in records if r.account_id == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Account":
        return cls(id=id)


@strawberry.type
class Query:
    @strawberry.field(description="Every agreement.")
    def agreements(self, info: strawberry.Info) -> list[Agreement]:
        records: list[AgreementRecord] = info.context["agreements"]
        return [Agreement.from_record(r) for r in records]


schema = strawberry.federation.Schema(query=Query)


class AgreementsApp(GraphQL[dict[str, Any], None]):
    """The subgraph over a fixed list of agreements."""

    def __init__(self, agreements: list[AgreementRecord]) -> None:
        super().__init__(schema, graphql_ide=None)
        self.agreements = agreements

    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        return {"agreements": self.agreements}
