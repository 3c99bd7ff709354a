/** The name the schema bundle is registered under in yaml-language-server (its messages quote it). */
export const SCHEMA_NAME = 'Kubernetes and Istio (Istio Mesh)';

/**
 * `apiVersion kind` of every kind the bundle defines, from its `if` branches. Kept apart from the
 * language service so that code needing only this does not bundle yaml-language-server.
 */
export function coveredKinds(schemaJson: string): Set<string> {
  const out = new Set<string>();
  const bundle = JSON.parse(schemaJson) as { allOf?: { if?: { properties?: { apiVersion?: { const?: string; enum?: string[] }; kind?: { const?: string } } } }[] };
  for (const branch of bundle.allOf ?? []) {
    const props = branch.if?.properties;
    const kind = props?.kind?.const;
    const versions = props?.apiVersion?.const !== undefined ? [props.apiVersion.const] : (props?.apiVersion?.enum ?? []);
    if (kind) for (const v of versions) out.add(`${v} ${kind}`);
  }
  return out;
}
