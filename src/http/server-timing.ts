import type { Pool } from '../db/pool';

/**
 * The pool, with the time its direct queries take added to `timing.dbMs` (for Server-Timing).
 * Queries on a checked-out client (transactions) are not counted: the figure is a lower bound.
 */
export function timedPool(pool: Pool, timing: { dbMs: number }): Pool {
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === 'query') {
        return (...args: unknown[]) => {
          const start = performance.now();
          const result = (target.query as (...a: unknown[]) => Promise<unknown>)(...args);
          return result.finally(() => (timing.dbMs += performance.now() - start));
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
