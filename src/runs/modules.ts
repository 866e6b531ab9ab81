// What the run worker takes from the modules (entry points hand it their ApiModule list): the
// executors by kind, the one target connector, and the recoverers of lost runs' leftovers.
import type { ApiModule, RunExecutor, RunRecoverer, TargetConnector } from '../module';

/** Every module's run kinds (plus `extra`, e.g. a test's), refusing a kind declared twice. */
export function runKindsOf(modules: readonly ApiModule[], extra: Readonly<Record<string, RunExecutor>> = {}): Record<string, RunExecutor> {
  const kinds: Record<string, RunExecutor> = {};
  for (const [name, kinds_] of [...modules.map((m) => [m.name, m.runKinds ?? {}] as const), ['extra', extra] as const]) {
    for (const [kind, executor] of Object.entries(kinds_)) {
      if (kinds[kind]) throw new Error(`run kind "${kind}" is declared twice (again by ${name})`);
      kinds[kind] = executor;
    }
  }
  return kinds;
}

export function targetConnectorOf(modules: readonly ApiModule[]): TargetConnector | undefined {
  const providers = modules.filter((m) => m.targetConnector);
  if (providers.length > 1) throw new Error(`more than one module provides a target connector (${providers.map((m) => m.name).join(', ')})`);
  return providers[0]?.targetConnector;
}

/** Every module's run recoverer (ApiModule.runRecoverer), in module order. */
export function runRecoverersOf(modules: readonly ApiModule[]): RunRecoverer[] {
  return modules.flatMap((m) => (m.runRecoverer ? [m.runRecoverer] : []));
}
