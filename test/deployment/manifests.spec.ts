// test-database: independent (the deployment files)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { parseAllDocuments } from 'yaml';
import { Environment, parseEnvironment } from '../../src/config/environment';
import { deriveSettings } from '../../src/config/settings';
import { projectRoot } from '../../src/config/project-root';

interface Container {
  env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  envFrom: unknown[];
  ports: unknown[];
  livenessProbe: { httpGet: unknown };
  readinessProbe: { httpGet: unknown };
  startupProbe: { httpGet: unknown };
  lifecycle: { preStop: { exec: { command: string[] } } };
  securityContext: unknown;
  resources: { requests: unknown; limits: unknown };
  volumeMounts: { mountPath: string }[];
}
interface TopologySpread {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector: { matchLabels: Record<string, string> };
}
interface PodSpec {
  terminationGracePeriodSeconds: number;
  topologySpreadConstraints?: TopologySpread[];
  securityContext: { runAsNonRoot: boolean };
  containers: Container[];
}
interface Spec {
  replicas?: number;
  minAvailable?: number;
  selector: Record<string, unknown> & { matchLabels?: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  ports: { targetPort: string }[];
  scaleTargetRef?: { apiVersion: string; kind: string; name: string };
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: { type: string; resource: { name: string; target: { type: string; averageUtilization: number } } }[];
}
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Spec;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

const DIR = join(projectRoot(), 'docker', 'k8s');
const manifests: Manifest[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS() as Manifest));
const one = (kind: string) => {
  const found = manifests.filter((m) => m.kind === kind);
  expect([kind, found.length]).toEqual([kind, 1]);
  return found[0];
};

describe('Kubernetes manifests', () => {
  const deployment = one('Deployment');
  const pod = (deployment.spec as Spec).template.spec;
  const container = pod.containers[0];
  const config = one('ConfigMap').data as Record<string, string>;
  const secret = one('Secret').stringData as Record<string, string>;

  it('list every file in the kustomization', () => {
    const kustomization = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0].toJS() as { resources: string[] };
    const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && !['kustomization.yaml', 'secret.example.yaml'].includes(f));
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('set only variables the service knows, and together make a valid production configuration', () => {
    // UV_THREADPOOL_SIZE is read by Node's libuv: sized from the CPU limit as the service would from its cores.
    const known = new Set([...Object.keys(new Environment()), 'UV_THREADPOOL_SIZE']);
    const env = { ...config, ...secret, ...Object.fromEntries(container.env.map((e) => [e.name, e.value])) };
    for (const name of Object.keys(env)) expect([name, known.has(name)]).toEqual([name, true]);
    expect(() => parseEnvironment(env)).not.toThrow();
    expect(Number(env.UV_THREADPOOL_SIZE)).toBe(Math.max(2, Number((container.resources.limits as { cpu: string }).cpu) - 1));
    expect(env.NODE_ENV).toBe('production');
    expect(env.TEST_IDP_ENABLED).toBeUndefined();
  });

  it('bind each provider to the platform: production validation passes with these values and fails without them', () => {
    const env = { ...config, ...secret, ...Object.fromEntries(container.env.map((e) => [e.name, e.value])) };
    const settings = deriveSettings(parseEnvironment(env));
    expect(settings.issuers.maskinporten).toMatchObject({ audience: expect.stringMatching(/^https:\/\//), acceptAnyAudience: false });
    expect(settings.maskinporten.orgClaimScope).toBe('altinn:serviceowner');
    expect(settings.issuers.idporten.acceptedScopePrefixes).toEqual(['altinn:']);
    const without = (...names: string[]) => Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
    expect(() => parseEnvironment(without('MASKINPORTEN_AUDIENCE'))).toThrow('MASKINPORTEN_AUDIENCE must be set');
    expect(() => parseEnvironment({ ...without('MASKINPORTEN_AUDIENCE'), MASKINPORTEN_ACCEPT_ANY_AUDIENCE: 'true' })).not.toThrow();
    expect(() => parseEnvironment({ ...env, IDPORTEN_ACCEPTED_SCOPE_PREFIXES: '*' })).toThrow(
      'IDPORTEN_ACCEPTED_SCOPE_PREFIXES may be * only with',
    );
    // Without the two scope rules, production falls back to the same platform rules, never to "any".
    const defaults = deriveSettings(parseEnvironment(without('MASKINPORTEN_ORG_CLAIM_SCOPE', 'IDPORTEN_ACCEPTED_SCOPE_PREFIXES')));
    expect([defaults.maskinporten.orgClaimScope, defaults.issuers.idporten.acceptedScopePrefixes]).toEqual([
      'altinn:serviceowner',
      ['altinn:'],
    ]);
  });

  it('probe the service health routes on its port', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: Number(config.PORT), protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
  });

  it('give in-flight requests their grace period on shutdown', () => {
    const preStop = Number(container.lifecycle.preStop.exec.command[1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(config.SHUTDOWN_GRACE_SECONDS) + preStop);
  });

  it('run non-root replicas on a read-only root filesystem with resource bounds', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    const mounted = container.volumeMounts.map((m) => m.mountPath);
    expect(mounted).toEqual(expect.arrayContaining(['/tmp', container.env.find((e) => e.name === 'DATA_DIR')?.value]));
  });

  it('select the pods from the Service and the PodDisruptionBudget', () => {
    const labels = deployment.spec?.template.metadata.labels;
    expect(deployment.spec?.selector.matchLabels).toEqual(labels);
    const service = one('Service');
    expect(service.spec?.selector).toEqual(labels);
    expect(service.spec?.ports[0].targetPort).toBe('http');
    const pdb = one('PodDisruptionBudget');
    expect(pdb.spec?.selector.matchLabels).toEqual(labels);
    expect(pdb.spec?.minAvailable).toBeLessThan(one('HorizontalPodAutoscaler').spec?.minReplicas as number);
    expect(container.envFrom).toEqual([
      { configMapRef: { name: one('ConfigMap').metadata.name } },
      { secretRef: { name: one('Secret').metadata.name } },
    ]);
  });

  it('scale with a HorizontalPodAutoscaler from two replicas, above what the PodDisruptionBudget keeps, and own the count', () => {
    const hpa = one('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    const { minReplicas, maxReplicas } = hpa.spec as Spec;
    expect(minReplicas).toBeGreaterThanOrEqual(2);
    expect(minReplicas).toBeGreaterThan(one('PodDisruptionBudget').spec?.minAvailable as number);
    expect(maxReplicas).toBeGreaterThan(minReplicas as number);
    expect(hpa.spec?.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } },
    ]);
    // A replica count in the Deployment would reset the autoscaler's at every apply.
    expect(deployment.spec?.replicas).toBeUndefined();
    // Utilization is relative to the request, which must be there.
    expect((container.resources.requests as { cpu?: string }).cpu).toBeDefined();
  });

  it('spread the replicas across nodes (and zones where there are any)', () => {
    const labels = deployment.spec?.template.metadata.labels;
    const spread = pod.topologySpreadConstraints ?? [];
    const byNode = spread.find((c) => c.topologyKey === 'kubernetes.io/hostname');
    expect(byNode).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } });
    const byZone = spread.find((c) => c.topologyKey === 'topology.kubernetes.io/zone');
    expect(byZone).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } });
  });

  it('read the Redis URL for shared rate limits from an optional secret of its own', () => {
    const redis = container.env.find((e) => e.name === 'REDIS_URL');
    expect(redis).toEqual({
      name: 'REDIS_URL',
      valueFrom: { secretKeyRef: { name: 'authentication-redis', key: 'REDIS_URL', optional: true } },
    });
    // Not in the main Secret: a cluster without Redis applies the manifests unchanged.
    expect(secret.REDIS_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });
});
