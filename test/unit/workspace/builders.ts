// Small YAML builders for the cross-resource analyzers' tests: each returns one document's lines.
import { yaml } from '../yaml/helpers';

export function doc(...documents: string[][]): string {
  return yaml(...documents.flatMap((d, i) => (i === 0 ? d : ['---', ...d])));
}

function meta(name: string, namespace?: string, annotations: Record<string, string> = {}): string[] {
  const notes = Object.entries(annotations);
  return ['metadata:', `  name: ${name}`, ...(namespace ? [`  namespace: ${namespace}`] : []), ...(notes.length ? ['  annotations:', ...notes.map(([k, v]) => `    ${k}: "${v}"`)] : [])];
}

export interface Route {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
}

export function virtualService(name: string, o: { namespace?: string; hosts?: string[]; gateways?: string[]; http?: Route[]; mirror?: Route; exportTo?: string[]; annotations?: Record<string, string> } = {}): string[] {
  const dest = (r: Route, indent: string) => [`${indent}host: ${r.host}`, ...(r.subset ? [`${indent}subset: ${r.subset}`] : []), ...(r.port ? [`${indent}port:`, `${indent}  number: ${r.port}`] : [])];
  return [
    'apiVersion: networking.istio.io/v1',
    'kind: VirtualService',
    ...meta(name, o.namespace, o.annotations),
    'spec:',
    `  hosts: [${(o.hosts ?? [name]).join(', ')}]`,
    ...(o.gateways ? ['  gateways:', ...o.gateways.map((g) => `  - ${g}`)] : []),
    ...(o.exportTo ? [`  exportTo: [${o.exportTo.map((e) => `"${e}"`).join(', ')}]`] : []),
    ...(o.http ? ['  http:', '  - route:', ...o.http.flatMap((r) => ['    - destination:', ...dest(r, '        ')]), ...(o.mirror ? ['    mirror:', ...dest(o.mirror, '      ')] : [])] : []),
  ];
}

export function gateway(name: string, namespace?: string): string[] {
  return ['apiVersion: networking.istio.io/v1', 'kind: Gateway', ...meta(name, namespace), 'spec:', '  servers:', '  - hosts: ["*"]', '    port: {number: 80, name: http, protocol: HTTP}'];
}

export function destinationRule(name: string, host: string, subsets: string[], namespace?: string): string[] {
  return ['apiVersion: networking.istio.io/v1', 'kind: DestinationRule', ...meta(name, namespace), 'spec:', `  host: ${host}`, '  subsets:', ...subsets.map((s) => `  - name: ${s}`)];
}

export function serviceEntry(name: string, hosts: string[], ports: number[], namespace?: string): string[] {
  return ['apiVersion: networking.istio.io/v1', 'kind: ServiceEntry', ...meta(name, namespace), 'spec:', `  hosts: [${hosts.join(', ')}]`, '  ports:', ...ports.map((p) => `  - {number: ${p}, name: p${p}, protocol: TCP}`)];
}

export function service(name: string, o: { namespace?: string; ports?: (number | [number, string])[]; selector?: Record<string, string> } = {}): string[] {
  const selector = Object.entries(o.selector ?? {});
  return [
    'apiVersion: v1',
    'kind: Service',
    ...meta(name, o.namespace),
    'spec:',
    ...(selector.length ? ['  selector:', ...selector.map(([k, v]) => `    ${k}: ${v}`)] : []),
    '  ports:',
    ...(o.ports ?? [80]).map((p) => (Array.isArray(p) ? `  - {name: http-${p[0]}, port: ${p[0]}, protocol: ${p[1]}}` : `  - {name: http-${p}, port: ${p}}`)),
  ];
}

export function sidecar(name: string, namespace?: string, selector?: Record<string, string>): string[] {
  const labels = Object.entries(selector ?? {});
  return ['apiVersion: networking.istio.io/v1', 'kind: Sidecar', ...meta(name, namespace), 'spec:', ...(labels.length ? ['  workloadSelector:', '    labels:', ...labels.map(([k, v]) => `      ${k}: ${v}`)] : ['  egress: [{hosts: ["./*"]}]'])];
}

export function namespace(name: string, labels: Record<string, string> = {}): string[] {
  const l = Object.entries(labels);
  return ['apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, ...(l.length ? ['  labels:', ...l.map(([k, v]) => `    ${k}: ${v}`)] : [])];
}

export function deployment(name: string, o: { namespace?: string; labels?: Record<string, string>; inject?: string } = {}): string[] {
  const labels = Object.entries({ ...(o.labels ?? { app: name }), ...(o.inject ? { 'sidecar.istio.io/inject': `"${o.inject}"` } : {}) });
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    ...meta(name, o.namespace),
    'spec:',
    '  template:',
    '    metadata:',
    '      labels:',
    ...labels.map(([k, v]) => `        ${k}: ${v}`),
    '    spec:',
    '      containers:',
    `      - {name: ${name}, image: ${name}:1}`,
  ];
}
