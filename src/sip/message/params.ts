/**
 * Parameters: `;name[=value]` lists of URIs (RFC 3261 §19.1.1) and headers (generic-param,
 * §25.1). Order and case are kept as written; names compare case-insensitively.
 */

export interface Param {
  name: string;
  /** null when the parameter has no `=value` (e.g. `lr`, `rport`). */
  value: string | null;
}

export function getParam(params: readonly Param[], name: string): string | null | undefined {
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.name === name || p.name.toLowerCase() === name) return p.value;
  }
  return undefined;
}

export function hasParam(params: readonly Param[], name: string): boolean {
  return getParam(params, name) !== undefined;
}

/** Sets (replacing) or appends a parameter; value null writes the bare name. */
export function setParam(params: Param[], name: string, value: string | null): void {
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.name.toLowerCase() === name) {
      p.value = value;
      return;
    }
  }
  params.push({ name, value });
}

export function removeParam(params: Param[], name: string): void {
  for (let i = params.length - 1; i >= 0; i--)
    if (params[i]!.name.toLowerCase() === name) params.splice(i, 1);
}

export function formatParams(params: readonly Param[]): string {
  let s = '';
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    s += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  }
  return s;
}
