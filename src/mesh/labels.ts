/**
 * Istio's names now live in src/istio/names.ts. This re-export stays only until src/yaml (changed on another
 * branch) imports them from there; nothing else may import this file.
 */
export { DataplaneModeLabel, IgnoredNamespaces, InjectionLabel, RevisionLabel, SidecarInjectLabel } from '../istio/names';
