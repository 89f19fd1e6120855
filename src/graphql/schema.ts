import { builder } from "./builder.js";
import "./errors.js";
import "./types/budget.js";
import "./types/rate-limit.js";
import "./types/provider-config.js";
import "./types/mcp-config.js";
import "./types/provider.js";
import "./types/customer.js";
import "./types/team.js";
import "./types/virtual-key.js";
import "./types/virtual-key-mutations.js";
import "./types/provider-mutations.js";
import "./types/config-mutations.js";
import "./types/enforcement.js";
import "./types/pricing.js";
import "./types/governance-io.js";
import "./types/admin.js";

export const schema = builder.toSchema();
