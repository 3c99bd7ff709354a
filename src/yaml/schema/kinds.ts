/** The name the schema bundle is registered under in yaml-language-server (its messages quote it). */
export const SCHEMA_NAME = 'Kubernetes and Istio (Istio Mesh)';

/**
 * `apiVersion kind` of every kind the bundle defines, from its `if` branches. Kept apart from the
 * language service so that code needing only this does not bundle yaml-language-server.
 */
export function coveredKinds(schema: string | object): Set<string> {
  const out = new Set<string>();
  // Given already parsed, the bundle is not parsed again (437 KB: 10-15 ms of each command line's start-up).
  const bundle = (typeof schema === 'string' ? JSON.parse(schema) : schema) as { allOf?: { if?: { properties?: { apiVersion?: { const?: string; enum?: string[] }; kind?: { const?: string } } } }[] };
  for (const branch of bundle.allOf ?? []) {
    const props = branch.if?.properties;
    const kind = props?.kind?.const;
    const versions = props?.apiVersion?.const !== undefined ? [props.apiVersion.const] : (props?.apiVersion?.enum ?? []);
    if (kind) for (const v of versions) out.add(`${v} ${kind}`);
  }
  return out;
}
