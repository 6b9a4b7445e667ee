export * from "./users";
export * from "./queues";
export * from "./merchants";
export * from "./orders";
export * from "./ledger";
export * from "./queue-entries";
export * from "./audit";
