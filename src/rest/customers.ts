import { createCustomer, getCustomer, listCustomers } from "../services/customers.js";
import { json, type Route } from "./router.js";
import { customer, listEnvelope } from "./serialize.js";
import { listQuery, memoryMap } from "./query.js";

export const customerRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/customers",
    handler: async ({ ctx, query }) => {
      const page = await listCustomers(ctx, listQuery(query));
      const body = listEnvelope("customers", page, customer);
      return json(query.get("from_memory") === "true" ? memoryMap(body, "customers") : body);
    },
  },
  {
    method: "POST",
    path: "/api/governance/customers",
    handler: async ({ ctx, body }) => {
      const created = await createCustomer(ctx, await body());
      return json({ message: "Customer created successfully", customer: customer(created) });
    },
  },
  {
    method: "GET",
    path: "/api/governance/customers/:id",
    handler: async ({ ctx, params }) => json({ customer: customer(await getCustomer(ctx, params.id!)) }),
  },
];
