import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under dir: relative path → content, sorted. Missing dir → empty. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out.set(rel, readFileSync(join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return out;
}

export interface TreeDifference {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/** Files only in `next` (added), only in `base` (removed), and in both with other content. */
export function compareTrees(base: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): TreeDifference {
  const added = [...next.keys()].filter((p) => !base.has(p));
  const removed = [...base.keys()].filter((p) => !next.has(p));
  const changed = [...next.keys()].filter((p) => base.has(p) && base.get(p) !== next.get(p));
  return { added, removed, changed };
}

export function isSame(d: TreeDifference): boolean {
  return d.added.length + d.removed.length + d.changed.length === 0;
}
