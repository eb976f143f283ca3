/**
 * Which methods each route path answers, so that a known path asked with
 * another method is a 405 with `Allow` (RFC 9110), not a 404.
 */
export class MethodTable {
  readonly #routes: { pattern: RegExp; methods: Set<string> }[] = [];
  readonly #byUrl = new Map<string, Set<string>>();

  add(url: string, method: string | string[]): void {
    // CORS preflight answers OPTIONS on every path; that makes no path known.
    if (url === '*' || url === '/*') return;
    let methods = this.#byUrl.get(url);
    if (!methods) {
      methods = new Set();
      this.#byUrl.set(url, methods);
      this.#routes.push({ pattern: patternOf(url), methods });
    }
    for (const one of Array.isArray(method) ? method : [method]) methods.add(one.toUpperCase());
  }

  /** The methods some route answers on this concrete path; empty when no route has the path. */
  allowed(path: string): string[] {
    const found = new Set<string>();
    for (const route of this.#routes) {
      if (route.pattern.test(path)) for (const method of route.methods) found.add(method);
    }
    return [...found].sort();
  }
}

/** `/v1/teams/:teamId` → a regex matching one non-empty segment per parameter; `*` matches the rest. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}
