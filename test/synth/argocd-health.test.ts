// The Argo CD health checks, run by the real Lua 5.1 interpreter (Argo CD runs gopher-lua, Lua 5.1)
// with only the libraries Argo CD opens for them, on rendered objects carrying the statuses
// Kyverno v1.19 and Argo CD v3.5 write.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifests, type Manifest } from '../../lib/manifests';
import {
  HEALTH_CHECKS,
  HEALTH_PATCH_FILE,
  HEALTH_SCRIPTS_DIR,
  healthKey,
  healthScript,
  renderHealthPatch,
} from '../../synth/argocd-health';
import { renderBootstrap, renderEnvironments, renderManifests } from '../../synth/synth';
import { describeWithTool, LUA51 } from '../support/external-tool';
import { resolveFixture } from '../support/fixtures';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A JSON value as a Lua table constructor (arrays 1-based, as Argo CD hands objects to Lua); null is nil. */
function luaLiteral(value: Json): string {
  if (value === null) return 'nil';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(', ')}}`;
  return `{${Object.entries(value)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `[${luaString(k)}] = ${luaLiteral(v)}`)
    .join(', ')}}`;
}

function luaString(s: string): string {
  // Three-digit decimal escapes for quotes, backslashes and control characters (valid in every Lua;
  // three digits, so a digit that follows is not read into the escape).
  const escape = (c: string): string => `\\${String(c.charCodeAt(0)).padStart(3, '0')}`;
  const escaped = [...s].map((c) => (c === '"' || c === '\\' || c.charCodeAt(0) < 32 ? escape(c) : c)).join('');
  return `"${escaped}"`;
}

/** Runs a health script in a Lua 5.1 environment holding only the base and table libraries and `obj`. */
const HARNESS = `local script, data = arg[1], arg[2]
local chunk = assert(loadfile(script))
local object = assert(loadfile(data))()
local env = { obj = object, table = table, _VERSION = _VERSION }
for _, name in ipairs({ 'assert', 'error', 'ipairs', 'next', 'pairs', 'pcall', 'print', 'rawequal', 'rawget', 'rawset',
  'select', 'setmetatable', 'getmetatable', 'tonumber', 'tostring', 'type', 'unpack', 'xpcall' }) do
  env[name] = _G[name]
end
setfenv(chunk, env)
local hs = chunk()
io.write(tostring(hs.status), "\\n", tostring(hs.message), "\\n")
`;

const config = resolveFixture();
const rendered = renderManifests(config).map((r) => r.manifest);
const first = (kind: string): Manifest => {
  const m = rendered.find((r) => r.kind === kind && (kind !== 'Application' || r.metadata.name === 'dev-policies'));
  if (!m) throw new Error(`the fixture renders no ${kind}`);
  return JSON.parse(JSON.stringify(m)) as Manifest;
};
const withStatus = (m: Manifest, status: Json | undefined, patch: (o: Record<string, Json>) => void = () => {}): Json => {
  const o = JSON.parse(JSON.stringify(m)) as Record<string, Json>;
  (o.metadata as Record<string, Json>).generation = 1;
  if (status !== undefined) o.status = status;
  patch(o);
  return o;
};

/** Conditions as Kyverno v1.19's policy status controller writes them (SetReadyByCondition). */
const condition = (type: string, status: 'True' | 'False', message: string): Json => ({
  type,
  status,
  reason: status === 'True' ? 'Succeeded' : 'Failed',
  message,
  lastTransitionTime: '2026-11-30T10:00:00Z',
});
const webhookOk = condition('WebhookConfigured', 'True', 'Webhook configured.');
const rbacOk = condition('RBACPermissionsGranted', 'True', 'Policy is ready for reporting.');
const policyStatus = (ready: boolean, conditions: Json[]): Json => ({
  conditionStatus: { ready, conditions, message: '' },
  autogen: { configs: [] },
});

describe('the argocd-cm health patch', () => {
  const patch = parseManifests(renderHealthPatch(config), HEALTH_PATCH_FILE)[0].manifest as Manifest & { data: Record<string, string> };

  it('holds one key per kind, each the script file it comes from (one source)', () => {
    expect(Object.keys(patch.data).sort()).toEqual(
      [
        'resource.customizations.health.argoproj.io_Application',
        'resource.customizations.health.policies.kyverno.io_ImageValidatingPolicy',
        'resource.customizations.health.policies.kyverno.io_PolicyException',
        'resource.customizations.health.policies.kyverno.io_ValidatingPolicy',
      ].sort(),
    );
    for (const check of HEALTH_CHECKS) expect([check.kind, patch.data[healthKey(check)]]).toEqual([check.kind, healthScript(check)]);
    expect(patch.metadata.name).toBe('argocd-cm');
  });

  it('is written into apps/bootstrap/ with how to apply it in each Argo CD namespace', () => {
    const text = renderBootstrap(config, renderEnvironments(config)).get(HEALTH_PATCH_FILE)!;
    expect(text).toContain('kubectl -n argocd patch configmap argocd-cm --type merge --patch-file apps/bootstrap/argocd-cm-health.yaml');
  });

  it('fails when a script is missing, naming the file', () => {
    expect(() => healthScript({ script: 'missing.lua' })).toThrow(`${join(HEALTH_SCRIPTS_DIR, 'missing.lua')} cannot be read`);
  });
});

describeWithTool(LUA51, 'the health checks under Lua 5.1', (lua) => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'krate-lua-'));
    writeFileSync(join(dir, 'harness.lua'), HARNESS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  /** [status, message] the script gives for this object. */
  function health(script: string, obj: Json): [string, string] {
    const data = join(dir, `obj${n++}.lua`);
    writeFileSync(data, `return ${luaLiteral(obj)}\n`);
    const r = spawnSync(lua, [join(dir, 'harness.lua'), script, data], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`lua5.1 ${script}: exit ${r.status}: ${r.stderr}`);
    const [status, message] = r.stdout.split('\n');
    return [status, message];
  }
  const scriptOf = (kind: string): string => join(HEALTH_SCRIPTS_DIR, HEALTH_CHECKS.find((c) => c.kind === kind)!.script);

  it('the harness gives scripts no string library, as Argo CD does not (and reports a script error)', () => {
    const bad = join(dir, 'uses-string.lua');
    writeFileSync(bad, 'local hs = {}\nhs.status = string.lower("Healthy")\nreturn hs\n');
    expect(() => health(bad, {})).toThrow(/attempt to index global 'string'/);
  });

  it('turns a JSON object into the Lua table it describes', () => {
    const echo = join(dir, 'echo.lua');
    writeFileSync(
      echo,
      'local hs = {}\nhs.status = obj.a[2].b\nhs.message = tostring(obj.n) .. tostring(obj.t) .. tostring(obj.z) .. obj.q\nreturn hs\n',
    );
    expect(health(echo, { a: [1, { b: 'x' }], n: 3, t: true, z: null, q: 'say "1"\\\n2' })).toEqual(['x', '3truenilsay "1"\\']);
  });

  describe.each(['ValidatingPolicy', 'ImageValidatingPolicy'])('%s', (kind) => {
    const policy = first(kind);
    const script = scriptOf(kind);

    it('is Healthy when Kyverno reports it ready', () => {
      expect(health(script, withStatus(policy, policyStatus(true, [webhookOk, rbacOk])))).toEqual([
        'Healthy',
        'Ready: WebhookConfigured, RBACPermissionsGranted',
      ]);
    });

    it('is Progressing while it has no status (just created)', () => {
      expect(health(script, withStatus(policy, undefined))).toEqual(['Progressing', "Waiting for Kyverno to report the policy's status"]);
    });

    it('is Progressing while its webhook is not configured yet', () => {
      const notYet = condition('WebhookConfigured', 'False', 'Policy is not configured in the webhook.');
      expect(health(script, withStatus(policy, policyStatus(false, [notYet, rbacOk])))).toEqual([
        'Progressing',
        'WebhookConfigured: Policy is not configured in the webhook.',
      ]);
      // Kyverno may report ready before the webhook controller has recorded the policy at all.
      expect(health(script, withStatus(policy, policyStatus(true, [rbacOk])))[0]).toBe('Progressing');
    });

    it('is Degraded, saying why, when Kyverno lacks the permissions to report on it', () => {
      const rbac = condition('RBACPermissionsGranted', 'False', 'Policy is not ready for reporting, missing permissions: pods: list.');
      expect(health(script, withStatus(policy, policyStatus(false, [webhookOk, rbac])))).toEqual([
        'Degraded',
        'RBACPermissionsGranted: Policy is not ready for reporting, missing permissions: pods: list.',
      ]);
    });

    it('needs no webhook when it only runs in background scans', () => {
      const backgroundOnly = withStatus(policy, policyStatus(true, [rbacOk]), (o) => {
        const spec = o.spec as Record<string, Json>;
        spec.evaluation = { admission: { enabled: false }, background: { enabled: true } };
      });
      expect(health(script, backgroundOnly)).toEqual(['Healthy', 'Ready: RBACPermissionsGranted']);
    });

    it('is Progressing while a condition describes an older generation', () => {
      const stale = { ...(webhookOk as Record<string, Json>), observedGeneration: 1 };
      const obj = withStatus(policy, policyStatus(true, [stale, rbacOk]), (o) => {
        (o.metadata as Record<string, Json>).generation = 2;
      });
      expect(health(script, obj)).toEqual(['Progressing', 'WebhookConfigured: not yet observed for generation 2']);
    });
  });

  describe('PolicyException', () => {
    const exception = first('PolicyException');
    const script = scriptOf('PolicyException');

    it('is Healthy without a status (Kyverno writes none for exceptions), naming what it exempts from', () => {
      const [status, message] = health(script, withStatus(exception, undefined));
      expect(status).toBe('Healthy');
      const refs = (exception.spec as { policyRefs: { kind: string; name: string }[] }).policyRefs;
      expect(message).toContain(`Exempts from ${refs.map((r) => `${r.kind}/${r.name}`).join(', ')}`);
    });

    it('is Degraded when it names no policy', () => {
      const none = withStatus(exception, undefined, (o) => {
        (o.spec as Record<string, Json>).policyRefs = [];
      });
      expect(health(script, none)).toEqual(['Degraded', 'spec.policyRefs names no policy: the exception exempts from nothing']);
      expect(health(script, { metadata: { name: 'x' } })[0]).toBe('Degraded');
    });
  });

  describe('Application', () => {
    const app = first('Application');
    const script = scriptOf('Application');
    const status = (health: string, sync: string, extra: Record<string, Json> = {}): Json => ({
      health: { status: health, lastTransitionTime: '2026-11-30T10:00:00Z' },
      sync: { status: sync, revision: '3f2c1d0' },
      ...extra,
    });
    const succeeded = { operationState: { phase: 'Succeeded', message: 'successfully synced (all tasks run)' } };
    const manual = (o: Record<string, Json>): void => {
      (o.spec as Record<string, Json>).syncPolicy = { syncOptions: ['CreateNamespace=true'] };
    };

    it('is Healthy when Argo CD reports it Healthy and Synced', () => {
      expect(health(script, withStatus(app, status('Healthy', 'Synced', succeeded)))).toEqual(['Healthy', 'Healthy and Synced']);
    });

    it('is Progressing while Argo CD has not assessed it (just created)', () => {
      expect(health(script, withStatus(app, undefined))).toEqual(['Progressing', 'Waiting for Argo CD to assess the application']);
      expect(health(script, withStatus(app, { sync: { status: 'Unknown' } }))[0]).toBe('Progressing');
    });

    it('is Progressing while a sync runs, and Degraded when the last one failed', () => {
      const running = status('Progressing', 'OutOfSync', {
        operationState: { phase: 'Running', message: 'waiting for healthy state of policies.kyverno.io/ValidatingPolicy/x' },
      });
      expect(health(script, withStatus(app, running))).toEqual([
        'Progressing',
        'Sync Running: waiting for healthy state of policies.kyverno.io/ValidatingPolicy/x',
      ]);
      const failed = status('Healthy', 'OutOfSync', {
        operationState: { phase: 'Failed', message: 'one or more objects failed to apply' },
      });
      expect(health(script, withStatus(app, failed))).toEqual(['Degraded', 'Last sync Failed: one or more objects failed to apply']);
    });

    it('is Degraded when a resource is, with the condition Argo CD reports', () => {
      const degraded = status('Degraded', 'Synced', { ...succeeded, conditions: [{ type: 'SyncError', message: 'policy not ready' }] });
      expect(health(script, withStatus(app, degraded))).toEqual(['Degraded', 'Degraded, Synced: SyncError: policy not ready']);
    });

    it('holds the wave while an automated app is Healthy but not yet Synced, or its resources are missing', () => {
      expect(health(script, withStatus(app, status('Healthy', 'OutOfSync', succeeded)))).toEqual([
        'Progressing',
        'Healthy but OutOfSync, waiting for the automated sync',
      ]);
      expect(health(script, withStatus(app, status('Missing', 'OutOfSync')))).toEqual(['Progressing', 'Resources missing, OutOfSync']);
    });

    it('does not hold siblings forever for a manual app that is OutOfSync', () => {
      expect(health(script, withStatus(app, status('Healthy', 'OutOfSync', succeeded), manual))).toEqual([
        'Healthy',
        'Healthy, OutOfSync until someone syncs it (manual sync)',
      ]);
      const disabled = (o: Record<string, Json>): void => {
        (o.spec as Record<string, Json>).syncPolicy = { automated: { enabled: false } };
      };
      expect(health(script, withStatus(app, status('Healthy', 'OutOfSync', succeeded), disabled))[0]).toBe('Healthy');
    });
  });
});
