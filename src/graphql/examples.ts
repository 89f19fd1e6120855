/** Example operations preloaded into GraphiQL as tabs (the first one is the default query). */

export const overviewQuery = /* GraphQL */ `# Customers with their teams, each team's keys and their limits.
# Press Ctrl-Enter (or the run button) to run it.
query Overview {
  customers(first: 5) {
    totalCount
    edges {
      node {
        uuid
        name
        spend
        budget { maxLimit usage remaining percentUsed nextResetAt }
        rateLimit { requests { maxLimit usage remaining } tokens { maxLimit usage remaining } }
        teams {
          name
          virtualKeys(first: 5) {
            totalCount
            edges {
              node {
                name
                value
                isActive
                budget { maxLimit usage remaining resetDuration }
                rateLimit { requestMaxLimit requestResetDuration }
                providerConfigs { provider allowedModels weight budget { maxLimit remaining } }
              }
            }
          }
        }
      }
    }
  }
}
`;

const overBudgetQuery = /* GraphQL */ `# Keys that one of their own budgets blocks right now, with what limits them.
query KeysOverBudget {
  virtualKeys(first: 20, filter: { overBudget: true }, orderBy: { field: SPEND, direction: DESC }) {
    totalCount
    edges {
      node {
        name
        spend
        team { name customer { name } }
        effectiveLimits {
          blocked
          tightestBudget { level ownerName remaining percentUsed budget { resetDuration nextResetAt } }
          tightestRequestLimit { level ownerName remaining window { nextResetAt } }
        }
      }
    }
  }
}
`;

const topSpendersQuery = /* GraphQL */ `# Customers by spend in their current budget windows, highest first; page with \`after\`.
query TopSpenders($after: String) {
  customers(first: 10, after: $after, orderBy: { field: SPEND, direction: DESC }) {
    pageInfo { hasNextPage endCursor }
    edges { node { name spend overBudget budgets { resetDuration usage effectiveLimit } } }
  }
}
`;

const createKeyMutation = /* GraphQL */ `# Create a key; the full value is returned only here. Errors come back as typed results.
mutation CreateKey($input: CreateVirtualKeyInput!) {
  createVirtualKey(input: $input) {
    __typename
    ... on CreateVirtualKeyPayload { value virtualKey { uuid name value budget { maxLimit resetDuration } } }
    ... on ValidationError { message fieldErrors { path message } }
    ... on Error { message code }
  }
}
`;

export const exampleTabs = [
  { query: overviewQuery },
  { query: overBudgetQuery },
  { query: topSpendersQuery, variables: JSON.stringify({ after: null }, null, 2) },
  {
    query: createKeyMutation,
    variables: JSON.stringify({ input: { name: "my-first-key", budget: { maxLimit: 10, resetDuration: "1d" }, providerConfigs: [{ provider: "openai" }] } }, null, 2),
  },
];
