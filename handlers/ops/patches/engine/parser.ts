// libpg-query is PostgreSQL's own parser compiled to WASM; it must be loaded once before the
// synchronous calls are used.
import { loadModule } from 'libpg-query';

let loading: Promise<void> | undefined;

export function ensureParser(): Promise<void> {
  loading ??= loadModule();
  return loading;
}
