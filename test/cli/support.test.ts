// runMain (cli/support.ts): what a user sees when a command has a bug or its reader goes away.
// The commands are real ones with a bug put in on a copy of the repository.
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { writeChunks, writeFileAtomic } from '../../cli/support';
import { copyRepo } from './copy-repo';

let dir: string;
beforeAll(() => (dir = copyRepo('krate-support-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Makes the `tools` command run `body` first. */
function toolsStartsWith(body: string): void {
  const file = join(dir, 'cli', 'commands', 'tools.ts');
  const text = readFileSync(file, 'utf8').replace(
    /async run\(\) \{\n( {4}\/\/ injected[^\n]*\n)?/,
    `async run() {\n    // injected\n${body}\n`,
  );
  writeFileSync(file, text);
}

describe('runMain', () => {
  it('fails when a command has a bug: one line calling it an internal error, no stack trace, exit 2', () => {
    toolsStartsWith("    if (process.argv.length > 0) throw new TypeError('boom');");
    const r = spawnSync(process.execPath, ['bin/krate-policy.mjs', 'tools'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('krate-policy: internal error: boom (this is a bug; rerun with --debug for the stack trace)\n');
  });

  it.each([
    ['tools', '--debug'],
    ['--debug', 'tools'],
  ])('prints the stack trace of an internal error with --debug (%s %s), mapped to the sources', (...args) => {
    toolsStartsWith("    if (process.argv.length > 0) throw new TypeError('boom');");
    const r = spawnSync(process.execPath, ['bin/krate-policy.mjs', ...args], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('krate-policy: internal error: TypeError: boom');
    expect(r.stderr).toMatch(/^\s+at .*cli\/commands\/tools\.ts:\d+:\d+/m);
  });

  it('keeps quiet and keeps its exit code when the reader closes stdout early (`| head -1`)', () => {
    toolsStartsWith(
      "    for (let i = 0; i < 20000; i++) process.stdout.write(`line ${i}\\n`);\n    console.log('done');\n    if (process.argv.length > 0) return 1;",
    );
    const r = spawnSync('bash', ['-c', 'node bin/krate-policy.mjs tools 2>err.txt | head -1; echo "status ${PIPESTATUS[0]}"'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('line 0\nstatus 1\n');
    expect(readFileSync(join(dir, 'err.txt'), 'utf8')).toBe('');
  });
});

describe('writeChunks', () => {
  it('writes every piece in order, waiting for the reader whenever the stream is full', async () => {
    const received: string[] = [];
    let waits = 0;
    // A slow reader: accepts one piece per tick, then reports the stream full until it drains.
    const stream = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString());
        setImmediate(callback);
      },
    });
    stream.on('drain', () => waits++);
    const pieces = Array.from({ length: 50 }, (_, i) => `piece ${i}\n`);
    await writeChunks(pieces, stream);
    await new Promise((resolve) => stream.end(resolve));
    expect(received.join('')).toBe(pieces.join(''));
    expect(waits).toBeGreaterThan(10);
  });

  it('stops waiting when the stream closes (a reader that went away)', async () => {
    const stream = new Writable({ highWaterMark: 1, write: () => undefined }); // never drains
    const done = writeChunks(['a', 'b', 'c'], stream);
    stream.destroy();
    await expect(done).resolves.toBeUndefined();
  });
});

describe('writeFileAtomic', () => {
  it('writes into what is no regular file and keeps symbolic links, replacing neither', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'atomic-'));
    try {
      // A link to /dev/null in the test's folder: were the device renamed over, only the link would go.
      symlinkSync('/dev/null', join(tmp, 'null'));
      writeFileAtomic(join(tmp, 'null'), 'report');
      expect(lstatSync(join(tmp, 'null')).isSymbolicLink()).toBe(true);
      writeFileSync(join(tmp, 'file.txt'), 'old');
      symlinkSync('file.txt', join(tmp, 'link.txt'));
      writeFileAtomic(join(tmp, 'link.txt'), 'new');
      expect([lstatSync(join(tmp, 'link.txt')).isSymbolicLink(), readFileSync(join(tmp, 'file.txt'), 'utf8')]).toEqual([true, 'new']);
      expect(readdirSync(tmp).sort()).toEqual(['file.txt', 'link.txt', 'null']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('fails when the path is a directory, naming it', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'atomic-'));
    try {
      expect(() => writeFileAtomic(tmp, 'x', '--out x')).toThrow('--out x: is a directory; name a file to write');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
