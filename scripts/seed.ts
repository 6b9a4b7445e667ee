import { seedDemo } from "./lib/demo-seed";
import { databaseUrl } from "@/lib/env";

const { seeded } = await seedDemo(databaseUrl());
console.log(seeded ? "demo data loaded" : "demo data already present");
