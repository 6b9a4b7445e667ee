// Module resolve hook (registered by server-only.mjs): resolves the `server-only` marker package with
// the `react-server` condition, to its empty module, as Next does for server code. Nothing else is
// resolved differently: react and next-intl keep their ordinary Node entry points.
export async function resolve(specifier, context, nextResolve) {
  if (specifier !== "server-only") return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...context.conditions, "react-server"] });
}
