/** GraphQL `checkAccess`, `recordUsage` and `quota`: the same services and decisions as the REST routes. */
import { describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { execute, ok } from "../helpers/graphql.js";
import { createChain, createKey } from "./helpers.js";

const Check = graphql(/* GraphQL */ `
  mutation EnfCheck($virtualKey: String, $input: CheckAccessInput!) {
    checkAccess(virtualKey: $virtualKey, input: $input) {
      __typename
      ... on CheckAccessPayload {
        requestId
        virtualKeyId
        provider
        model
        reservation { cost tokens requests }
        budgets { level name effectiveLimit usage remaining resetDuration }
        rateLimits { level requestLimit requestUsage requestsRemaining }
      }
      ... on AccessDeniedError { decision statusCode code }
      ... on Error { message }
    }
  }
`);

const Record = graphql(/* GraphQL */ `
  mutation EnfRecord($virtualKey: String, $input: RecordUsageInput!) {
    recordUsage(virtualKey: $virtualKey, input: $input) {
      __typename
      ... on RecordUsagePayload { requestId recorded settledReservation chargedCost chargedTokens chargedRequests }
      ... on Error { message }
    }
  }
`);

const Quota = graphql(/* GraphQL */ `
  query EnfQuota($virtualKey: String!) {
    quota(virtualKey: $virtualKey) {
      __typename
      ... on KeyQuota {
        virtualKeyName
        budgets { resetDuration maxLimit currentUsage remaining }
        rateLimit { requests { maxLimit currentUsage remaining } tokens { currentUsage } }
      }
      ... on AccessDeniedError { decision statusCode message }
    }
  }
`);

describe("GraphQL enforcement", () => {
  it("checks, records and reads the quota; usage shows on the Budget and RateLimit types too", async () => {
    const c = await createChain({ team: { budget: { max_limit: 2, reset_duration: "1w" } }, vk: { budget: { max_limit: 1, reset_duration: "1d" }, rate_limit: { request_max_limit: 2, request_reset_duration: "1h" } } });
    const checked = ok((await execute(Check, { virtualKey: c.key, input: { provider: "openai", model: "gpt-4o", estimatedCost: 0.4, estimatedTokens: 10 } })).data?.checkAccess, "CheckAccessPayload");
    expect(checked).toMatchObject({
      virtualKeyId: c.vkId,
      provider: "openai",
      model: "gpt-4o",
      reservation: { cost: 0.4, tokens: 10, requests: 1 },
      budgets: [
        { level: "VIRTUAL_KEY", name: "VK", effectiveLimit: 1, usage: 0.4, remaining: 0.6, resetDuration: "1d" },
        { level: "TEAM", name: "Team", effectiveLimit: 2, usage: 0.4, remaining: 1.6, resetDuration: "1w" },
      ],
      rateLimits: [{ level: "VIRTUAL_KEY", requestLimit: 2, requestUsage: 1, requestsRemaining: 1 }],
    });
    const recorded = ok((await execute(Record, { virtualKey: c.key, input: { requestId: checked.requestId, provider: "openai", model: "gpt-4o", cost: 1.25, tokens: 30 } })).data?.recordUsage, "RecordUsagePayload");
    expect(recorded).toMatchObject({ recorded: true, settledReservation: true, chargedCost: 1.25, chargedTokens: 30, chargedRequests: 1 });
    const again = ok((await execute(Record, { virtualKey: c.key, input: { requestId: checked.requestId, provider: "openai", model: "gpt-4o", cost: 1.25 } })).data?.recordUsage, "RecordUsagePayload");
    expect(again).toMatchObject({ recorded: false, chargedCost: 0 });

    const denied = (await execute(Check, { virtualKey: c.key, input: { provider: "openai", model: "gpt-4o" } })).data?.checkAccess;
    expect(denied).toEqual({ __typename: "AccessDeniedError", decision: "budget_exceeded", statusCode: 402, code: "ACCESS_DENIED", message: "Budget exceeded: VK budget exceeded: 1.2500 >= 1.0000 dollars" });

    const quota = ok((await execute(Quota, { virtualKey: c.key })).data?.quota, "KeyQuota");
    expect(quota.budgets).toEqual([{ resetDuration: "1d", maxLimit: 1, currentUsage: 1.25, remaining: 0 }]);
    expect(quota.rateLimit).toEqual({ requests: { maxLimit: 2, currentUsage: 1, remaining: 1 }, tokens: { currentUsage: 30 } });
  });

  it("denials and bad input are typed errors", async () => {
    const { key } = await createKey({ is_active: false });
    expect((await execute(Check, { virtualKey: key, input: { provider: "openai", model: "m" } })).data?.checkAccess).toMatchObject({ __typename: "AccessDeniedError", decision: "virtual_key_blocked", statusCode: 403, message: "Virtual key is inactive" });
    expect((await execute(Check, { input: { model: "m" } })).data?.checkAccess).toMatchObject({ __typename: "ValidationError", message: "provider is required (or a model of the form provider/model)" });
    expect((await execute(Quota, { virtualKey: "sk-bf-unknown" })).data?.quota).toEqual({ __typename: "AccessDeniedError", decision: "virtual_key_not_found", statusCode: 403, message: "Virtual key not found" });
  });
});
