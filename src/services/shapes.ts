/**
 * What each read returns (the relations Bifrost preloads, spec §2). Services return rows of these
 * shapes; src/rest/serialize.ts turns them into the documented JSON. With relationJoins each read
 * is one SQL statement.
 */
import type { Prisma } from "../generated/prisma/client.js";

const limits = { budgets: true, rateLimit: true } as const;

export const providerConfigInclude = {
  ...limits,
  keys: { include: { providerKey: true }, orderBy: { providerKeyId: "asc" } },
} as const satisfies Prisma.ProviderConfigInclude;

export const mcpConfigInclude = { mcpClient: true } as const satisfies Prisma.McpConfigInclude;

/** A key's own configuration (used inside other entities). */
export const vkCoreInclude = {
  ...limits,
  providerConfigs: { include: providerConfigInclude, orderBy: { id: "asc" } },
  mcpConfigs: { include: mcpConfigInclude, orderBy: { id: "asc" } },
} as const satisfies Prisma.VirtualKeyInclude;

const customerSummary = { include: limits } as const;

export const virtualKeyInclude = {
  ...vkCoreInclude,
  team: { include: { ...limits, customer: customerSummary } },
  customer: customerSummary,
} as const satisfies Prisma.VirtualKeyInclude;

const keysByAge = { orderBy: [{ createdAt: "asc" as const }, { id: "asc" as const }] };

export const teamInclude = {
  ...limits,
  customer: customerSummary,
  virtualKeys: { include: vkCoreInclude, ...keysByAge },
} as const satisfies Prisma.TeamInclude;

export const customerInclude = {
  ...limits,
  teams: { include: limits, ...keysByAge },
  virtualKeys: { include: vkCoreInclude, ...keysByAge },
} as const satisfies Prisma.CustomerInclude;

export type VirtualKeyRow = Prisma.VirtualKeyGetPayload<{ include: typeof virtualKeyInclude }>;
export type VirtualKeyCoreRow = Prisma.VirtualKeyGetPayload<{ include: typeof vkCoreInclude }>;
export type TeamRow = Prisma.TeamGetPayload<{ include: typeof teamInclude }>;
export type CustomerRow = Prisma.CustomerGetPayload<{ include: typeof customerInclude }>;
export type ProviderConfigRow = Prisma.ProviderConfigGetPayload<{ include: typeof providerConfigInclude }>;
export type McpConfigRow = Prisma.McpConfigGetPayload<{ include: typeof mcpConfigInclude }>;
