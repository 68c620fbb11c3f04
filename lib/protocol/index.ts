// Portable protocol API (Node and browser). The node:crypto back end is not
// re-exported: server code imports "./ed25519-node" explicitly, so browser
// bundles never pull node:crypto.
export * from "./ed25519";
export * from "./ed25519-noble";
export * from "./encoding";
export * from "./der";
export * from "./keys";
export * from "./key-parse";
export * from "./jcs";
export * from "./digest";
export * from "./sf";
export * from "./httpsig";
