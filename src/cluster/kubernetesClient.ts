/**
 * The part of `@kubernetes/client-node` the extension runs: kubeconfig loading and its auth providers (exec,
 * OIDC, cloud plugins). Our own transport does the HTTP. The build bundles this file on its own into
 * dist/kubernetes-client.js, loaded on first use; re-exporting only what we use lets esbuild leave out the
 * generated API clients (3.5 MB → under 1 MB).
 */
export { KubeConfig } from '@kubernetes/client-node';
