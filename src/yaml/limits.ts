/**
 * The bounds that keep the YAML checks fast and their output readable whatever a file holds: they run on
 * every keystroke, on files up to `istio.yaml.maxFileSize`, some of them generated or pasted.
 */

/** Findings of one file past this many are summed up in one notice: nobody reads more, and each costs the editor. */
export const MAX_FINDINGS = 1000;

/** A value from the file quoted in a message is cut to this many characters. */
const MAX_QUOTED_CHARS = 80;

/** Messages of the YAML parser and of yaml-language-server are cut to this many characters. */
const MAX_MESSAGE_CHARS = 400;

/**
 * Documents nested deeper than this (collections within collections) are not parsed. The `yaml` library composes
 * nodes recursively: near 700 levels it runs out of stack, and parsing on at that depth can end the whole process
 * (V8 fails to compile a regular expression and aborts). Kubernetes manifests nest a few dozen levels at most.
 */
export const MAX_NESTING = 200;

const ELLIPSIS = '…';

/** `text` cut to `max` characters with an ellipsis, never between the two halves of a surrogate pair. */
export function clipped(text: string, max = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + ELLIPSIS;
}

/** Runs of this many non-blank characters in someone else's message are a quoted value: they are cut. */
const LONG_WORD = new RegExp(`\\S{${MAX_QUOTED_CHARS + 1},}`, 'g');

/**
 * A message written by a library (the parser's, yaml-language-server's), which may quote any amount of the file:
 * each long word is cut (`Property aaaa… is not allowed.` keeps its sense), then the whole message.
 */
export function clippedMessage(message: string): string {
  if (message.length <= MAX_QUOTED_CHARS) return message;
  return clipped(message.replace(LONG_WORD, (word) => clipped(word)), MAX_MESSAGE_CHARS);
}
