// Typed calls of the example operations, with the types GraphQL Code Generator
// writes to operations.ts and schema.ts (`npx graphql-codegen` in ecosystem/).
// `tsc --noEmit -p typescript` checks every field this file reads and every
// variable it sends against the schema.
import type {
  BuyerStatus,
  BuyersByStatusQuery,
  BuyersByStatusQueryVariables,
  ClientOverviewQuery,
} from "./operations.js";
import type { BuyerFilter } from "./schema.js";

interface Answer<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function execute<Data, Variables>(
  url: string,
  token: string,
  query: string,
  variables: Variables,
): Promise<Data> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as Answer<Data>;
  if (answer.errors?.length || !answer.data) {
    const codes = answer.errors?.map((e) => e.extensions?.code).join(", ");
    throw new Error(`GraphQL errors: ${codes}`);
  }
  return answer.data;
}

/** The buyer names of each account the caller sees, from `ClientOverview`. */
export function buyersByAccount(overview: ClientOverviewQuery): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const account of overview.accounts?.nodes ?? []) {
    const buyers = (account.buyers ?? []).map((buyer) => buyer.name ?? buyer.status ?? "");
    result.set(account.name ?? "", buyers);
  }
  return result;
}

/** The sellers that buyers of one status reach, from `BuyersByStatus`. */
export async function sellersOf(
  url: string,
  token: string,
  query: string,
  status: BuyerStatus,
): Promise<string[]> {
  const variables: BuyersByStatusQueryVariables = { status, first: 50 };
  const data = await execute<BuyersByStatusQuery, BuyersByStatusQueryVariables>(
    url,
    token,
    query,
    variables,
  );
  const sellers = data.buyers?.nodes.flatMap((buyer) =>
    (buyer.erpLinks ?? []).map((link) => link.seller?.externalId ?? ""),
  );
  return [...new Set(sellers)];
}

/** A filter for `buyers(filter:)`: the buyers of one account in one status. */
export function buyersOf(accountId: string, status: BuyerStatus): BuyerFilter {
  return { accountId: { eq: accountId }, status: { eq: status } };
}
