import { dataplaneModeValue } from './dataplaneModeValue';
import { envoyFilterLegacy } from './envoyFilterLegacy';
import { injectAnnotationDeprecated } from './injectAnnotationDeprecated';
import { injectHostNetwork } from './injectHostNetwork';
import { injectionLabelsConflict } from './injectionLabelsConflict';
import { injectionLabelValue } from './injectionLabelValue';
import { injectLabelType } from './injectLabelType';
import { injectLabelValue } from './injectLabelValue';
import { injectMisplaced } from './injectMisplaced';
import { namespaceNotInjected } from './namespaceNotInjected';
import { removedApiRule } from './removedApi';
import { removedFieldRule } from './removedField';
import { revisionUnknown } from './revisionUnknown';
import type { Rule } from './rule';
import { systemNamespaceInjection } from './systemNamespaceInjection';

/** Every Istio rule, in the order their findings are listed. Add a rule: one file, one line here, one test file. */
export const rules: readonly Rule[] = [
  injectionLabelValue,
  injectionLabelsConflict,
  dataplaneModeValue,
  injectLabelType,
  injectLabelValue,
  injectAnnotationDeprecated,
  injectMisplaced,
  injectHostNetwork,
  systemNamespaceInjection,
  namespaceNotInjected,
  revisionUnknown,
  removedApiRule,
  removedFieldRule,
  envoyFilterLegacy,
];

export type { Rule, RuleContext, ScreenContext } from './rule';
