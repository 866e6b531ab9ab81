// Route matching whose cost does not grow with the size of the API: a trie of path segments,
// built once. openapi-backend's stock matcher scans every operation and compiles a RegExp per
// operation per request (toolchain notes); we install this one in its place.

export interface RouteTarget {
  operationId: string;
  method: string;
  path: string;
}

interface Node<T> {
  statics: Map<string, Node<T>>;
  param?: { name: string; node: Node<T> };
  methods: Map<string, T>;
}

export type Match<T> =
  | { kind: 'found'; target: T; params: Record<string, string> }
  | { kind: 'methodNotAllowed'; allow: string[] }
  | { kind: 'notFound' };

const newNode = <T>(): Node<T> => ({ statics: new Map(), methods: new Map() });

/** "/a/b/" → ["a", "b"]; trailing slashes are ignored, like openapi-backend does. */
function segments(path: string): string[] {
  return path.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1));
}

export class SegmentRouter<T extends RouteTarget> {
  private readonly root: Node<T> = newNode();

  constructor(targets: Iterable<T>) {
    for (const t of targets) this.add(t);
  }

  private add(target: T): void {
    let node = this.root;
    for (const seg of segments(target.path)) {
      const param = /^\{([^{}]+)\}$/.exec(seg);
      if (param) {
        if (node.param && node.param.name !== param[1]) {
          throw new Error(`${target.path}: parameter {${param[1]}} conflicts with {${node.param.name}} at the same position`);
        }
        node.param ??= { name: param[1], node: newNode() };
        node = node.param.node;
      } else {
        if (seg.includes('{')) throw new Error(`${target.path}: a path parameter must fill a whole segment`);
        let next = node.statics.get(seg);
        if (!next) node.statics.set(seg, (next = newNode()));
        node = next;
      }
    }
    const method = target.method.toLowerCase();
    if (node.methods.has(method)) throw new Error(`${method.toUpperCase()} ${target.path} is defined twice`);
    node.methods.set(method, target);
  }

  /** Static segments win over parameters; a parameter matches one non-empty segment. */
  private find(node: Node<T>, segs: string[], i: number, params: string[]): Node<T> | undefined {
    if (i === segs.length) return node.methods.size ? node : undefined;
    const child = node.statics.get(segs[i]);
    if (child) {
      const hit = this.find(child, segs, i + 1, params);
      if (hit) return hit;
    }
    if (node.param && segs[i] !== '') {
      params.push(segs[i]);
      const hit = this.find(node.param.node, segs, i + 1, params);
      if (hit) return hit;
      params.pop();
    }
    return undefined;
  }

  private recent = new Map<string, Match<T>>();

  /**
   * match(), remembered for recently seen paths: openapi-backend asks four or five times per
   * request. The params are a fresh copy each time, since validation coerces them in place.
   */
  matchRecent(method: string, path: string): Match<T> {
    if (path.length > 256) return this.match(method, path);
    const key = `${method.toLowerCase()} ${path}`;
    let m = this.recent.get(key);
    if (!m) {
      m = this.match(method, path);
      if (this.recent.size >= 1024) this.recent.clear();
      this.recent.set(key, m);
    }
    return m.kind === 'found' ? { ...m, params: { ...m.params } } : m;
  }

  match(method: string, path: string): Match<T> {
    const values: string[] = [];
    const node = this.find(this.root, segments(path), 0, values);
    if (!node) return { kind: 'notFound' };
    const m = method.toLowerCase();
    // HEAD is GET without a body (node drops the body itself).
    const target = node.methods.get(m) ?? (m === 'head' ? node.methods.get('get') : undefined);
    if (!target) return { kind: 'methodNotAllowed', allow: allowHeader(node) };
    const params: Record<string, string> = {};
    const names = paramNames(target.path);
    names.forEach((name, idx) => (params[name] = safeDecode(values[idx])));
    return { kind: 'found', target, params };
  }
}

function allowHeader<T>(node: Node<T>): string[] {
  const methods = [...node.methods.keys()].map((m) => m.toUpperCase());
  if (methods.includes('GET')) methods.push('HEAD');
  return methods.sort();
}

const namesCache = new Map<string, string[]>();
function paramNames(path: string): string[] {
  let names = namesCache.get(path);
  if (!names) namesCache.set(path, (names = [...path.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1])));
  return names;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // left as sent; schema validation reports it
  }
}
