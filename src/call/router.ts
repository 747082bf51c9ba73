/** Picks the application for an incoming call: the first route whose trunk and called number match. */
import type { RouteSpec } from './call-types.js';

export class Router {
  private readonly compiled: { route: RouteSpec; pattern: RegExp | undefined }[];

  constructor(routes: readonly RouteSpec[]) {
    this.compiled = routes.map((route) => ({
      route,
      pattern: route.calledPattern ? new RegExp(`^(?:${route.calledPattern})$`) : undefined,
    }));
  }

  /** The application name, or undefined (the call is refused 404). */
  route(trunk: string | null, called: string): string | undefined {
    for (const { route, pattern } of this.compiled) {
      if (route.trunk !== undefined && route.trunk !== trunk) continue;
      if (route.calledPrefix !== undefined && !called.startsWith(route.calledPrefix)) continue;
      if (pattern && !pattern.test(called)) continue;
      return route.app;
    }
    return undefined;
  }
}
