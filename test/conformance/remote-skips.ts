// Tenants and DoubleStringIndex over the HTTP API are not served yet: the server validates
// the stored names (tenant_Type, _dsi_<namespace>) as object types and refuses them.
const REMOTE_TENANTS = "the HTTP API does not serve tenants or DoubleStringIndex namespaces yet";
export const REMOTE_SKIPS: Record<string, string> = {
    "two tenants and the store run the same random operations and never see each other": REMOTE_TENANTS,
    "a tenant's types, pages, totals, scans, queries and cursors are its own": REMOTE_TENANTS,
    "transactions of tenants are independent and all-or-nothing": REMOTE_TENANTS,
    "tenant names follow the object-type rules, with a typed error": REMOTE_TENANTS,
    "closing a tenant leaves the store open; closing the store closes its tenants": REMOTE_TENANTS,
    "saves and reads both ways; removal by A and by B (the original's test)": REMOTE_TENANTS,
    "non-string keys are rejected and nothing is written": REMOTE_TENANTS,
    "two namespaces are separate": REMOTE_TENANTS,
    "the empty string is a valid key (the original's test)": REMOTE_TENANTS,
    "truncate empties only its own namespace, twice is fine, and it is usable again (the original's test)": REMOTE_TENANTS,
    "strictly one-to-one: a new pair replaces both old pairs": REMOTE_TENANTS,
    "in a transaction: atomic with the other writes, reads see its own writes": REMOTE_TENANTS,
    "indexes never appear in types() or listings, and each tenant has its own": REMOTE_TENANTS,
  };
