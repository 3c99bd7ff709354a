import { child, mapsIn, num, str } from '../../analyzers/values';
import { InjectionEnabled, InjectionLabel, ProxyContainer, SidecarInjectLabel } from '../../istio/names';
import { selectorMatches } from '../../istio/selector';
import { annotationsOf, labelsOf } from '../../yaml/kube';
import { TYPES, type WorkspaceAnalyzer, type WorkspaceReport } from '../analyzer';
import { fullName, stringMap, type WorkspaceResource } from '../resource';
import { nameSpan } from '../spans';
import { goList } from '../values';

/** `gateway.istio.io/managed` value of waypoint Deployments, which the analyzer skips. */
const WAYPOINT = 'istio.io-mesh-controller';

/**
 * Istio's deployment.ServiceAssociationAnalyzer (analyzers/deployment/services.go), its IST0116: a Deployment in the
 * mesh whose pods the Services of its namespace select with one port number under two protocols. Not followed:
 * IST0119 (one target port behind several service ports).
 */
export const deploymentServicesAnalyzer: WorkspaceAnalyzer = {
  name: 'deployment.MultiServiceAnalyzer',
  codes: ['IST0116'],
  analyze(ctx) {
    const reports: WorkspaceReport[] = [];
    // Grouped once per run: each Deployment reads only the Services and the Namespace of its own namespace.
    const servicesIn = groupBy(ctx.ofType(TYPES.service), (s) => s.namespace);
    const namespaces = new Map<string, WorkspaceResource>();
    for (const n of ctx.ofType(TYPES.namespace)) if (!namespaces.has(n.name)) namespaces.set(n.name, n);
    for (const resource of ctx.ofType(TYPES.deployment)) {
      if (resource.labels['gateway.istio.io/managed'] === WAYPOINT || !inMesh(namespaces, resource)) continue;
      const podLabels = stringMap(labelsOf(podTemplate(resource)));
      const protocols = new Map<number, Map<string, string[]>>();
      for (const svc of servicesIn.get(resource.namespace) ?? []) {
        const spec = child(svc.root, 'spec');
        const selector = stringMap(child(spec, 'selector'));
        if (Object.keys(selector).length === 0 || !selectorMatches({ matchLabels: selector }, podLabels)) continue;
        for (const p of mapsIn(spec, 'ports')) {
          const port = num(p.map, 'port') ?? 0;
          const protocol = str(p.map, 'protocol') ?? 'TCP';
          const byProtocol = protocols.get(port) ?? protocols.set(port, new Map()).get(port)!;
          const names = byProtocol.get(protocol);
          if (names) names.push(fullName(svc));
          else byProtocol.set(protocol, [fullName(svc)]);
        }
      }
      for (const [port, byProtocol] of [...protocols].sort(([a], [b]) => a - b)) {
        if (byProtocol.size < 2) continue;
        const services = [...byProtocol.values()].flat().sort();
        reports.push({ resource, code: 'IST0116', args: [resource.name, port, goList(services)], span: nameSpan(resource) });
      }
    }
    return reports;
  },
};

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

function podTemplate(d: WorkspaceResource) {
  return child(child(d.root, 'spec'), 'template');
}

/**
 * util.DeploymentInMesh (analyzers/util/in_mesh.go): the analyzer's own rough test, followed as written rather than
 * the injection decision of src/istio: an `istio-proxy` container with an image, else the pod template's
 * `sidecar.istio.io/inject` label or annotation, else the Namespace's `istio-injection: enabled`.
 */
function inMesh(namespaces: ReadonlyMap<string, WorkspaceResource>, d: WorkspaceResource): boolean {
  const template = podTemplate(d);
  const containers = mapsIn(child(template, 'spec'), 'containers');
  if (containers.some((c) => str(c.map, 'name') === ProxyContainer && (str(c.map, 'image') ?? '') !== '')) return true;
  for (const map of [labelsOf(template), annotationsOf(template)]) {
    const value = stringMap(map)[SidecarInjectLabel];
    if (value !== undefined) return value === 'true';
  }
  return namespaces.get(d.namespace)?.labels[InjectionLabel] === InjectionEnabled;
}
