// Reading PostgreSQL's EXPLAIN (FORMAT JSON) output in plan tests.

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** Every node of the plan that reads `relation`, depth first. */
export function scansOf(plan: PlanNode, relation: string): PlanNode[] {
  const scans: PlanNode[] = [];
  const visit = (node: PlanNode) => {
    if (node['Relation Name'] === relation) scans.push(node);
    node.Plans?.forEach(visit);
  };
  visit(plan);
  return scans;
}
