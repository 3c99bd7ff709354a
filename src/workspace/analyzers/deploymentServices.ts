import { child, mapsIn, num, str } from '../../analyzers/values';
import { InjectionEnabled, InjectionLabel, ProxyContainer, SidecarInjectLabel } from '../../istio/names';
import { selectorMatches } from '../../istio/selector';
import { annotationsOf, labelsOf } from '../../yaml/kube';
import { TYPES, type WorkspaceAnalyzer, type WorkspaceContext, type WorkspaceReport } from '../analyzer';
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
    for (const resource of ctx.ofType(TYPES.deployment)) {
      if (resource.labels['gateway.istio.io/managed'] === WAYPOINT || !inMesh(ctx, resource)) continue;
      const podLabels = stringMap(labelsOf(podTemplate(resource)));
      const protocols = new Map<number, Map<string, string[]>>();
      for (const svc of ctx.ofType(TYPES.service)) {
        const spec = child(svc.root, 'spec');
        const selector = stringMap(child(spec, 'selector'));
        if (svc.namespace !== resource.namespace || Object.keys(selector).length === 0 || !selectorMatches({ matchLabels: selector }, podLabels)) continue;
        for (const p of mapsIn(spec, 'ports')) {
          const port = num(p.map, 'port') ?? 0;
          const protocol = str(p.map, 'protocol') ?? 'TCP';
          const byProtocol = protocols.get(port) ?? protocols.set(port, new Map()).get(port)!;
          byProtocol.set(protocol, [...(byProtocol.get(protocol) ?? []), fullName(svc)]);
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

function podTemplate(d: WorkspaceResource) {
  return child(child(d.root, 'spec'), 'template');
}

/**
 * util.DeploymentInMesh (analyzers/util/in_mesh.go): the analyzer's own rough test, followed as written rather than
 * the injection decision of src/istio: an `istio-proxy` container with an image, else the pod template's
 * `sidecar.istio.io/inject` label or annotation, else the Namespace's `istio-injection: enabled`.
 */
function inMesh(ctx: WorkspaceContext, d: WorkspaceResource): boolean {
  const template = podTemplate(d);
  const containers = mapsIn(child(template, 'spec'), 'containers');
  if (containers.some((c) => str(c.map, 'name') === ProxyContainer && (str(c.map, 'image') ?? '') !== '')) return true;
  for (const map of [labelsOf(template), annotationsOf(template)]) {
    const value = stringMap(map)[SidecarInjectLabel];
    if (value !== undefined) return value === 'true';
  }
  const ns = ctx.ofType(TYPES.namespace).find((n) => n.name === d.namespace);
  return ns?.labels[InjectionLabel] === InjectionEnabled;
}
