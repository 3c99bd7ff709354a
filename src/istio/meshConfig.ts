import { parse } from 'yaml';

/** The ConfigMap that holds the default revision's mesh config under its `mesh` key (istiod reads it at start). */
export const MeshConfigMap = 'istio';

/**
 * `rootNamespace` of a mesh config (the `mesh` key of the `istio` ConfigMap), when it names one. Undefined for a
 * mesh config that is not YAML, or leaves it out or empty: Istio then uses istiod's own namespace, istio-system by
 * default (pkg/config/mesh/mesh.go, DefaultMeshConfig).
 */
export function rootNamespaceOf(meshYaml: string | undefined): string | undefined {
  return nonEmpty(parseMesh(meshYaml)?.rootNamespace);
}

/**
 * The mesh ID a mesh config gives its proxies: `defaultConfig.meshId` (`values.global.meshID`), else the trust
 * domain, else `cluster.local`, as the injection template sets ISTIO_META_MESH_ID. Undefined for a mesh config
 * that is not YAML.
 */
export function meshIdOf(meshYaml: string | undefined): string | undefined {
  const mesh = parseMesh(meshYaml);
  if (mesh === undefined) return undefined;
  const defaults = mesh.defaultConfig;
  const meshId = typeof defaults === 'object' && defaults !== null ? (defaults as Record<string, unknown>).meshId : undefined;
  return nonEmpty(meshId) ?? nonEmpty(mesh.trustDomain) ?? 'cluster.local';
}

function parseMesh(meshYaml: string | undefined): Record<string, unknown> | undefined {
  if (meshYaml === undefined) return undefined;
  try {
    const mesh: unknown = parse(meshYaml);
    // An empty mesh config is valid: every field takes Istio's default.
    if (mesh === null || mesh === undefined) return {};
    return typeof mesh === 'object' && !Array.isArray(mesh) ? (mesh as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
