import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from "../services/customers.js";
import { json, type Route } from "./http.js";
import { customer, listEnvelope } from "./serialize.js";
import { fromMemory, listQuery, memoryMap } from "./query.js";

export const customerRoutes: Route[] = [
  {
    method: "GET",
    path: "/api/governance/customers",
    access: { action: "read", resource: "customer" },
    handler: async ({ ctx, query }) => {
      const page = await listCustomers(ctx, listQuery(query));
      const body = listEnvelope("customers", page, customer);
      return json(fromMemory(query) ? memoryMap(body, "customers") : body);
    },
  },
  {
    method: "POST",
    path: "/api/governance/customers",
    access: { action: "create", resource: "customer" },
    handler: async ({ ctx, body }) => {
      const created = await createCustomer(ctx, await body());
      return json({ message: "Customer created successfully", customer: customer(created) });
    },
  },
  {
    method: "GET",
    path: "/api/governance/customers/:id",
    access: { action: "read", resource: "customer" },
    handler: async ({ ctx, params }) => json({ customer: customer(await getCustomer(ctx, params.id!)) }),
  },
  {
    method: "PUT",
    path: "/api/governance/customers/:id",
    access: { action: "update", resource: "customer" },
    handler: async ({ ctx, params, body }) => {
      const updated = await updateCustomer(ctx, params.id!, await body());
      return json({ message: "Customer updated successfully", customer: customer(updated) });
    },
  },
  {
    method: "DELETE",
    path: "/api/governance/customers/:id",
    access: { action: "delete", resource: "customer" },
    handler: async ({ ctx, params }) => {
      await deleteCustomer(ctx, params.id!);
      return json({ message: "Customer deleted successfully" });
    },
  },
];
