export * from "./audit.ts";
export * from "./bounces.ts";
export * from "./correspondence.ts";
export * from "./evidence.ts";
export * from "./files.ts";
export * from "./offices.ts";
export * from "./reconsideration.ts";
export * from "./transfers.ts";
