/**
 * The injection decision in words, the same everywhere it is shown (the `explain` command line, YAML hovers and
 * CodeLenses, the Mesh tree's tooltips): one line ("will get a sidecar from istiod `canary` (namespace label
 * istio.io/rev=canary)" / "will not: hostNetwork pods are never injected") and the evidence behind it. Pure.
 * Text uses backticks around names, which read as code in Markdown and plainly on a terminal.
 */
import type { InjectionDecision, NamespaceInjection, ReasonCode, WarningCode } from './injection';
import { InjectionLabel, RevisionLabel, SidecarInjectAnnotation, SidecarInjectLabel } from './names';

/** A name between backticks; a backtick inside (never valid in a label) would end the code span, so it is dropped. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, '')}\``;
}

/** What selected the injector, for the line's parenthesis. */
function injectedBecause(d: InjectionDecision): string {
  const requested = d.requested ?? '';
  // `requested` is the value the label holds; when it differs from the revision that injects, it is a tag.
  const tag = (requested && d.revision && requested !== d.revision) ? `, tag ${code(requested)}` : '';
  switch (d.reason.code) {
    case 'namespaceLabel': return `namespace label ${InjectionLabel}=enabled${tag}`;
    case 'namespaceRevision': return `namespace label ${RevisionLabel}=${requested}${tag}`;
    case 'podRevision': return `pod label ${RevisionLabel}=${requested}${tag}`;
    case 'podOptIn': return `pod label ${SidecarInjectLabel}="true"${tag}`;
    case 'allNamespaces': return 'the injector serves every namespace (enableNamespacesByDefault)';
    case 'alwaysSelector': return "the injector's alwaysInjectSelector";
    default: return d.webhook ? `webhook ${d.webhook.configuration}/${d.webhook.name}` : 'a webhook';
  }
}

/** Why not, in a few words: the reason's sentence (in the evidence) has the values. */
const notInjected: Readonly<Partial<Record<ReasonCode, string>>> = {
  noInjector: 'no Istio sidecar injector is installed',
  noLabels: 'neither the namespace nor the pod asks for a sidecar',
  namespaceDisabled: `the namespace label ${InjectionLabel} is not "enabled", which turns injection off`,
  namespaceRevisionUnknown: `no installed revision or tag serves the namespace's ${RevisionLabel}`,
  podRevisionUnknown: `no installed revision or tag serves the pod's ${RevisionLabel}`,
  noDefaultInjector: 'no injector serves the default revision',
  webhookDeactivated: 'the injector webhook that would serve it is deactivated',
  optOutLabel: `the pod opts out (${SidecarInjectLabel}="false")`,
  annotationCannotOptIn: `the annotation ${SidecarInjectAnnotation}="true" cannot opt in: webhooks only read the label`,
  hostNetwork: 'hostNetwork pods are never injected',
  ignoredNamespace: 'istiod never injects pods in this system namespace',
  optOutAnnotation: `the pod opts out with the deprecated annotation ${SidecarInjectAnnotation}="false"`,
  neverSelector: "the pod matches the injector's neverInjectSelector",
  policyDisabled: 'the injector\'s policy is disabled and the pod does not opt in',
  policyInvalid: "the injector's policy is neither enabled nor disabled",
};

/** "will get a sidecar from istiod `x` (…)" or "will not: …"; the caller puts the subject in front. */
export function verdictLine(d: InjectionDecision): string {
  const unknown = d.policyUnknown ? "; the injector's policy is unknown, assumed enabled" : '';
  if (d.injected) return `will get a sidecar from istiod ${code(d.revision ?? 'default')} (${injectedBecause(d)}${unknown})`;
  const why = notInjected[d.reason.code] ?? d.reason.sentence;
  return `will not: ${why}${unknown}${d.dataplane === 'ambient' ? ' (in the ambient mesh instead: ztunnel, no sidecar)' : ''}`;
}

/** For a namespace: its plain pods' verdict, and its opted-in pods' when that differs. */
export function namespaceVerdictLine(injection: Pick<NamespaceInjection, 'plain' | 'optIn'>): string {
  const { plain, optIn } = injection;
  const optInText = !plain.injected && optIn.injected ? `; pods labelled ${SidecarInjectLabel}="true" ${verdictLine(optIn)}` : '';
  return `${verdictLine(plain)}${optInText}`;
}

const warningText: Readonly<Record<WarningCode, string>> = {
  invalidInjectValue: `The pod's ${SidecarInjectLabel} is neither "true" nor "false": istiod falls back to its policy.`,
  podRevisionShadowed: `The pod's ${RevisionLabel} is ignored: the namespace's label chose the injector.`,
  ambientConflict: 'The namespace is ambient, yet its pods get a sidecar (and ztunnel then leaves them alone).',
  multipleInjectionLabels: 'The namespace has more than one injection label (IST0123).',
  multipleWebhooks: 'More than one injector webhook matches: the pod is injected more than once (IST0139).',
};

/** Where the decision's facts come from, for the evidence's last line. */
export interface VerdictSources {
  /** Where the namespace's labels were read: a file, the live cluster, or nowhere (then none were assumed). */
  readonly namespace?: string;
}

/**
 * The evidence, one line each: the reason's sentence, each webhook and istiod check (✓/✗), the warnings, and where the
 * webhooks came from.
 */
export function verdictEvidence(d: InjectionDecision, sources: VerdictSources = {}): string[] {
  const lines = [d.reason.sentence];
  for (const e of d.evidence) {
    const mark = e.result ? '✓' : '✗';
    lines.push(e.step === 'webhook' ? `${mark} webhook ${code(e.subject)}: ${e.detail}` : `${mark} ${e.subject} (injectRequired): ${e.detail}`);
  }
  if (!d.webhook) lines.push('✗ no injector webhook selects this namespace and pod');
  for (const w of d.warnings) lines.push(`⚠ ${warningText[w]}`);
  if (sources.namespace) lines.push(`Namespace labels: ${sources.namespace}.`);
  lines.push(d.confidence === 'exact'
    ? "Webhooks: the cluster's own."
    : "Webhooks: assumed as Istio's chart installs them (the default revision, and any revision a label names).");
  if (d.policyUnknown) lines.push(`⚠ Injector policy unknown, assumed enabled without selectors: ${d.policyUnknown}.`);
  return lines;
}
