import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTree, SYNTH_MARKER } from '../../lib/tree';
import { MARKER_TEXT, prepareOutput, writeTree } from '../../synth/write';
import { ConfigError } from '../../lib/errors';

const TREE = new Map([
  ['dev/policies/a.yaml', 'a: 1\n'],
  ['prod/policies/b.yaml', 'b: 2\n'],
]);
/** Asserts `fn` throws a ConfigError whose message contains `message`. */
function expectConfigError(fn: () => void, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  expect((thrown as Error).message).toContain(message);
}

const RULE = 'synth writes only into an empty folder or one it wrote before';

describe('writeTree', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'krate-write-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes exactly the tree and its marker into a missing folder, leaving nothing beside it', () => {
    const out = join(dir, 'deep', 'out');
    writeTree(out, TREE);
    expect(readTree(out)).toEqual(TREE);
    expect(readFileSync(join(out, SYNTH_MARKER), 'utf8')).toBe(MARKER_TEXT);
    expect(readdirSync(join(dir, 'deep'))).toEqual(['out']);
  });

  it('writes into an existing empty folder', () => {
    mkdirSync(join(dir, 'out'));
    writeTree(join(dir, 'out'), TREE);
    expect(readTree(join(dir, 'out'))).toEqual(TREE);
  });

  it('keeps a previous synth output replaceable: a second write removes stale files', () => {
    const out = join(dir, 'out');
    writeTree(out, TREE);
    writeFileSync(join(out, 'dev', 'stale.yaml'), 'stale: true\n');
    const next = new Map([['dev/policies/a.yaml', 'a: 3\n']]);
    writeTree(out, next);
    expect(readTree(out)).toEqual(next);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it("keeps a user's out.next and out.prev folders when writing beside them", () => {
    for (const sibling of ['out.next', 'out.prev']) {
      mkdirSync(join(dir, sibling));
      writeFileSync(join(dir, sibling, 'mine.txt'), `${sibling}\n`);
    }
    writeTree(join(dir, 'out'), TREE);
    writeTree(join(dir, 'out'), TREE);
    expect(readTree(join(dir, 'out.next'))).toEqual(new Map([['mine.txt', 'out.next\n']]));
    expect(readTree(join(dir, 'out.prev'))).toEqual(new Map([['mine.txt', 'out.prev\n']]));
  });

  it('fails when the folder is a file, leaving it byte-identical', () => {
    const file = join(dir, 'README.md');
    writeFileSync(file, '# mine\n');
    expectConfigError(() => writeTree(file, TREE, '--out README.md'), `--out README.md: is a file, not a folder; ${RULE}`);
    expect(readFileSync(file, 'utf8')).toBe('# mine\n');
    expect(readdirSync(dir)).toEqual(['README.md']);
  });

  it('fails when the folder is not empty and synth did not write it, leaving its files untouched', () => {
    const out = join(dir, 'docs');
    mkdirSync(join(out, 'sub'), { recursive: true });
    writeFileSync(join(out, 'notes.md'), 'notes\n');
    writeFileSync(join(out, 'sub', 'x.yaml'), 'x: 1\n');
    expectConfigError(
      () => writeTree(out, TREE, '--out docs'),
      `--out docs: is a folder synth did not write (it holds notes.md, sub and no ${SYNTH_MARKER} marker); ${RULE} (fix: pass a new or empty folder, or move the files away yourself)`,
    );
    expect(readTree(out)).toEqual(
      new Map([
        ['notes.md', 'notes\n'],
        ['sub/x.yaml', 'x: 1\n'],
      ]),
    );
    expect(readdirSync(dir)).toEqual(['docs']);
  });

  it('fails when the folder is a symbolic link, leaving the link and its target alone', () => {
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expectConfigError(
      () => writeTree(join(dir, 'link'), TREE, '--out link'),
      `--out link: is a symbolic link; ${RULE} (fix: pass the folder it points to)`,
    );
    expect(readdirSync(join(dir, 'real'))).toEqual([]);
  });

  it('fails when the folder cannot be created (/proc), at once', () => {
    // ENOENT as root, EACCES otherwise: the message quotes what mkdir said.
    expectConfigError(
      () => writeTree('/proc/krate-nope', TREE, '--out /proc/krate-nope'),
      '--out /proc/krate-nope: cannot create folder (E',
    );
    expectConfigError(
      () => writeTree('/proc/krate-nope', TREE, '--out /proc/krate-nope'),
      "mkdir '/proc/krate-nope'); pass a folder you can write to",
    );
  });
});

describe('prepareOutput', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'krate-prepare-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps nothing behind when rendering fails after the output was prepared', () => {
    const prepared = prepareOutput(join(dir, 'a', 'out'));
    expect(existsSync(join(dir, 'a', 'out'))).toBe(true);
    prepared.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps a previous output unchanged when rendering fails', () => {
    writeTree(join(dir, 'out'), TREE);
    prepareOutput(join(dir, 'out')).discard();
    expect(readTree(join(dir, 'out'))).toEqual(TREE);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('fails when files appear in a new output folder while synth renders, leaving them', () => {
    const prepared = prepareOutput(join(dir, 'out'), '--out out');
    writeFileSync(join(dir, 'out', 'mine.txt'), 'mine\n');
    expectConfigError(
      () => prepared.write(TREE),
      `--out out: is a folder synth did not write (it holds mine.txt and no ${SYNTH_MARKER} marker)`,
    );
    expect(readdirSync(dir)).toEqual(['out']);
    expect(readdirSync(join(dir, 'out'))).toEqual(['mine.txt']);
  });
});

describe('writeTree over a previous output', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'krate-reuse-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('links the files the previous output holds unchanged into the new one, and writes the changed ones', () => {
    const out = join(dir, 'out');
    writeTree(out, TREE);
    const ino = (p: string) => lstatSync(join(out, p)).ino;
    const [a, b] = [ino('dev/policies/a.yaml'), ino('prod/policies/b.yaml')];
    const next = new Map([
      ['dev/policies/a.yaml', 'a: 1\n'],
      ['prod/policies/b.yaml', 'b: 3\n'],
      ['prod/policies/c.yaml', 'c: 1\n'],
    ]);
    writeTree(out, next);
    expect(readTree(out)).toEqual(next);
    expect(ino('dev/policies/a.yaml')).toBe(a);
    expect(ino('prod/policies/b.yaml')).not.toBe(b);
    // The previous output is gone: the reused file has no second name left anywhere.
    expect(lstatSync(join(out, 'dev/policies/a.yaml')).nlink).toBe(1);
    expect(readdirSync(dir)).toEqual(['out']);
  });

  it('writes instead of linking a previous file edited by hand, linked elsewhere, with another mode or behind a symbolic link', () => {
    const out = join(dir, 'out');
    const tree = new Map([
      ['dev/a.yaml', 'a: 1\n'],
      ['dev/b.yaml', 'b: 1\n'],
      ['dev/c.yaml', 'c: 1\n'],
      ['link/d.yaml', 'd: 1\n'],
    ]);
    writeTree(out, tree);
    writeFileSync(join(out, 'dev/a.yaml'), 'a: 2\n'); // same size, other bytes
    linkSync(join(out, 'dev/b.yaml'), join(dir, 'mine.yaml'));
    chmodSync(join(out, 'dev/c.yaml'), 0o600);
    renameSync(join(out, 'link'), join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(out, 'link'));
    const before = (p: string) => lstatSync(p).ino;
    const [b, c, d] = [before(join(out, 'dev/b.yaml')), before(join(out, 'dev/c.yaml')), before(join(dir, 'elsewhere/d.yaml'))];
    writeTree(out, tree);
    expect(readTree(out)).toEqual(tree);
    expect(lstatSync(join(out, 'dev/b.yaml')).ino).not.toBe(b);
    expect(lstatSync(join(out, 'dev/c.yaml')).ino).not.toBe(c);
    expect(lstatSync(join(out, 'dev/c.yaml')).mode).toBe(lstatSync(join(out, 'dev/a.yaml')).mode);
    expect(lstatSync(join(out, 'link/d.yaml')).ino).not.toBe(d);
    expect(lstatSync(join(out, 'link')).isDirectory()).toBe(true);
    // What synth did not write stays as it was.
    expect(readFileSync(join(dir, 'mine.yaml'), 'utf8')).toBe('b: 1\n');
    expect(readFileSync(join(dir, 'elsewhere/d.yaml'), 'utf8')).toBe('d: 1\n');
    expect(readdirSync(dir).sort()).toEqual(['elsewhere', 'mine.yaml', 'out']);
  });
});
