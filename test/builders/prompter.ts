import type { InputRequest, PickItem, Prompter } from '../../src/commands/prompter';

/**
 * Answers a command's questions from a script, in order, and records every question asked.
 * An answer is matched to the question by position; a function answer sees the offered items.
 * `undefined` dismisses the question, as Escape would. Running out of answers fails loudly.
 */
export type Answer = unknown | ((items: readonly PickItem<unknown>[]) => unknown);

export interface AskedQuestion {
  readonly kind: 'pickOne' | 'pickMany' | 'input' | 'confirm' | 'choose' | 'offer';
  readonly title: string;
  readonly detail?: string;
  readonly items?: readonly PickItem<unknown>[];
  readonly actions?: readonly string[];
  readonly value?: string;
}

export class ScriptedPrompter implements Prompter {
  readonly asked: AskedQuestion[] = [];
  private readonly answers: Answer[];

  constructor(answers: readonly Answer[], private readonly offers: (message: string, actions: readonly string[]) => string | undefined = () => undefined) {
    this.answers = [...answers];
  }

  private next(q: AskedQuestion): unknown {
    this.asked.push(q);
    if (this.answers.length === 0) throw new Error(`No scripted answer for ${q.kind} "${q.title}"`);
    const answer = this.answers.shift();
    return typeof answer === 'function' ? (answer as (items: readonly PickItem<unknown>[]) => unknown)(q.items ?? []) : answer;
  }

  /** Picks by label, so scripts read like what a user clicks. */
  static label(label: string): Answer {
    return (items: readonly PickItem<unknown>[]) => {
      const item = items.find((i) => i.label === label);
      if (!item) throw new Error(`No item "${label}" among ${items.map((i) => i.label).join(', ')}`);
      return item.value;
    };
  }

  /** Accepts the pre-selected defaults of a pick. */
  static defaults(): Answer {
    return (items: readonly PickItem<unknown>[]) => items.filter((i) => i.picked).map((i) => i.value);
  }

  async pickOne<T>(title: string, items: readonly PickItem<T>[]): Promise<T | undefined> {
    return this.next({ kind: 'pickOne', title, items: items as readonly PickItem<unknown>[] }) as T | undefined;
  }
  async pickMany<T>(title: string, items: readonly PickItem<T>[]): Promise<T[] | undefined> {
    return this.next({ kind: 'pickMany', title, items: items as readonly PickItem<unknown>[] }) as T[] | undefined;
  }
  async input(request: InputRequest): Promise<string | undefined> {
    const answer = this.next({ kind: 'input', title: request.title, value: request.value }) as string | undefined;
    const error = answer === undefined ? undefined : request.validate?.(answer);
    if (error) throw new Error(`Scripted input "${answer}" is invalid: ${error}`);
    return answer;
  }
  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return this.next({ kind: 'confirm', title: message, detail, actions: [action] }) === action;
  }
  async choose(message: string, detail: string, actions: readonly string[]): Promise<string | undefined> {
    return this.next({ kind: 'choose', title: message, detail, actions }) as string | undefined;
  }
  /** Offers (non-modal notifications) are answered by the `offers` callback, not the script: they may come late. */
  async offer(message: string, actions: readonly string[]): Promise<string | undefined> {
    this.asked.push({ kind: 'offer', title: message, actions });
    return this.offers(message, actions);
  }
}
