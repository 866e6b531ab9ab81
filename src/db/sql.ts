// SQL with its parameters, written as a tagged template: sql`r.actif = ${actif}`. The text of a
// statement assembled from fragments depends only on which fragments are present, never on the
// values — so each combination of optional filters is its own named prepared statement, whose
// generic plan PostgreSQL builds for exactly the conditions that are there (an `($n IS NULL OR …)`
// filter cannot fold away in a generic plan, and the plan falls back to a sequential scan).

export interface Sql {
  readonly strings: readonly string[];
  readonly values: readonly unknown[];
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return { strings: [...strings], values };
}

/** An optional fragment: absent (false, null, undefined) fragments are left out. */
export type Fragment = Sql | false | null | undefined;

/** Renders fragments joined by `separator`, numbering their values from `values.length + 1`. */
export function render(fragments: Fragment[], separator: string, values: unknown[]): string {
  const parts: string[] = [];
  for (const f of fragments) {
    if (!f) continue;
    let text = f.strings[0];
    f.values.forEach((v, i) => {
      values.push(v);
      text += `$${values.length}${f.strings[i + 1]}`;
    });
    parts.push(text);
  }
  return parts.join(separator);
}
