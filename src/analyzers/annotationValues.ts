/**
 * The value checks `istioctl analyze` makes on annotations (IST0125), following Istio's
 * pkg/kube/inject/validate.go:40-60 (AnnotationValidation). Each returns the Go error text Istio reports, or
 * undefined for a valid value. The checks of IP ranges, port lists, interfaces, resource quantities and proxy
 * config are not followed here (see the README's list of codes).
 */
type Check = (value: string) => string | undefined;

const UINT = /^[0-9]+$/;

/** strconv.ParseUint(value, 10, bits)'s errors. */
function parseUint(fn: string, value: string, bits: number): string | undefined {
  if (!UINT.test(value)) return `strconv.${fn}: parsing ${JSON.stringify(value)}: invalid syntax`;
  return BigInt(value) >= 1n << BigInt(bits) ? `strconv.${fn}: parsing ${JSON.stringify(value)}: value out of range` : undefined;
}

const uint32: Check = (v) => parseUint('ParseUint', v, 32);

/** strconv.ParseBool. */
const bool: Check = (v) => (['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v) ? undefined : `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);

/** validate.go validateInterceptionMode. */
const interceptionMode: Check = (v) => (['REDIRECT', 'TPROXY', 'NONE'].includes(v) ? undefined : `interceptionMode invalid, use REDIRECT,TPROXY,NONE: ${v}`);

/** validate.go validateStatusPort and parsePort (the message's "excludeInboundPorts" is Istio's). */
const statusPort: Check = (v) => {
  const err = parseUint('ParseUint', v.trim(), 16);
  return err ? `excludeInboundPorts invalid: failed parsing port '${v}': ${err}` : undefined;
};

export const ANNOTATION_CHECKS: ReadonlyMap<string, Check> = new Map([
  ['sidecar.istio.io/interceptionMode', interceptionMode],
  ['status.sidecar.istio.io/port', statusPort],
  ['readiness.status.sidecar.istio.io/initialDelaySeconds', uint32],
  ['readiness.status.sidecar.istio.io/periodSeconds', uint32],
  ['readiness.status.sidecar.istio.io/failureThreshold', uint32],
  ['prometheus.istio.io/merge-metrics', bool],
]);
