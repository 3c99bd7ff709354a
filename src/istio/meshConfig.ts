import { parse } from 'yaml';

/** The ConfigMap that holds the default revision's mesh config under its `mesh` key (istiod reads it at start). */
export const MeshConfigMap = 'istio';

/**
 * `rootNamespace` of a mesh config (the `mesh` key of the `istio` ConfigMap), when it names one. Undefined for a
 * mesh config that is not YAML, or leaves it out or empty: Istio then uses istiod's own namespace, istio-system by
 * default (pkg/config/mesh/mesh.go, DefaultMeshConfig).
 */
export function rootNamespaceOf(meshYaml: string | undefined): string | undefined {
  if (meshYaml === undefined) return undefined;
  let mesh: unknown;
  try {
    mesh = parse(meshYaml);
  } catch {
    return undefined;
  }
  const value = typeof mesh === 'object' && mesh !== null ? (mesh as Record<string, unknown>).rootNamespace : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
