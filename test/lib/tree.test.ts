import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lexists, makeFolders, readTree, SYNTH_MARKER } from '../../lib/tree';

describe('readTree', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'krate-tree-'));
    mkdirSync(join(dir, 'dev', 'policies'), { recursive: true });
    writeFileSync(join(dir, 'dev', 'policies', 'a.yaml'), 'a: 1\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every file by relative path, leaving out the synth marker', () => {
    writeFileSync(join(dir, SYNTH_MARKER), '# marker\n');
    writeFileSync(join(dir, 'dev', 'b.yaml'), 'b: 2\n');
    expect([...readTree(dir)]).toEqual([
      ['dev/b.yaml', 'b: 2\n'],
      ['dev/policies/a.yaml', 'a: 1\n'],
    ]);
  });

  it('keeps reading when the folder holds symbolic links: a file link reads its target, a folder link is not entered, a dangling link is skipped', () => {
    symlinkSync('policies/a.yaml', join(dir, 'dev', 'linked.yaml'));
    symlinkSync('..', join(dir, 'dev', 'loop')); // entering it would never end
    symlinkSync(join(dir, 'dev'), join(dir, 'dev-again'));
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dev', 'dangling.yaml'));
    expect([...readTree(dir).keys()]).toEqual(['dev/linked.yaml', 'dev/policies/a.yaml']);
    expect(readTree(dir).get('dev/linked.yaml')).toBe('a: 1\n');
  });

  it('gives an empty tree for a missing folder', () => {
    expect(readTree(join(dir, 'nope')).size).toBe(0);
  });
});

describe('makeFolders', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'krate-mkdir-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the missing folders and returns them outermost first', () => {
    expect(makeFolders(join(dir, 'a', 'b'))).toEqual([join(dir, 'a'), join(dir, 'a', 'b')]);
    expect(makeFolders(join(dir, 'a', 'b'))).toEqual([]);
  });

  it('fails when a folder cannot be created under /proc, instead of spinning like mkdirSync({ recursive })', () => {
    // Node's recursive mkdir retries `/proc/…` (ENOENT) and `/proc` (EEXIST) forever.
    expect(() => makeFolders('/proc/krate-nope/deeper')).toThrow(/mkdir '\/proc\/krate-nope'/);
    expect(lexists('/proc/krate-nope')).toBe(false);
  });

  it("fails when a parent is a file or a dangling link, with that call's error", () => {
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => makeFolders(join(dir, 'file', 'sub'))).toThrow(/ENOTDIR/);
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    expect(() => makeFolders(join(dir, 'dangling', 'sub'))).toThrow(/ENOENT: no such file or directory, mkdir '.*dangling\/sub'/);
    expect(lexists(join(dir, 'missing'))).toBe(false);
  });
});
