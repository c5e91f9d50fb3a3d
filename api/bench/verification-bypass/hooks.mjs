// Module resolution hook (runs in Node's loader thread): every import of api/src/auth/verify.ts
// resolves to ./verify.ts instead, except the one ./verify.ts itself makes of the real module.
const REAL = new URL('../../src/auth/verify.ts', import.meta.url).href;
const BYPASS = new URL('./verify.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (resolved.url.split('?')[0] === REAL && context.parentURL?.split('?')[0] !== BYPASS) {
    return { ...resolved, url: BYPASS, shortCircuit: true };
  }
  return resolved;
}
