import * as vscode from 'vscode';

/** One choice of a pick: what the user sees, and the value the command gets back. */
export interface PickItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
  /** Pre-selected in a multi-pick; the active item in a single pick. */
  readonly picked?: boolean;
}

export interface InputRequest {
  readonly title: string;
  readonly prompt?: string;
  readonly value?: string;
  readonly placeholder?: string;
  /** Returns an error message for an invalid value, or undefined when it is fine. */
  readonly validate?: (value: string) => string | undefined;
}

/**
 * Every question a command asks the user, behind one seam, so tests answer them programmatically
 * (pass a scripted prompter as the command's argument) while the UI uses quick picks and modals.
 * `undefined` always means the user dismissed the question: the command stops without side effects.
 */
export interface Prompter {
  pickOne<T>(title: string, items: readonly PickItem<T>[], placeholder?: string): Promise<T | undefined>;
  pickMany<T>(title: string, items: readonly PickItem<T>[], placeholder?: string): Promise<T[] | undefined>;
  input(request: InputRequest): Promise<string | undefined>;
  /** A modal question; true only when the user chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** A modal question with several actions; the chosen one, or undefined for Cancel. */
  choose(message: string, detail: string, actions: readonly string[]): Promise<string | undefined>;
  /** A non-modal notification with buttons (e.g. "next step" offers); the chosen button or undefined. */
  offer(message: string, actions: readonly string[]): Promise<string | undefined>;
}

interface ValuedItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

function toQuickPickItems<T>(items: readonly PickItem<T>[]): ValuedItem<T>[] {
  return items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, picked: i.picked, value: i.value }));
}

/** The real prompter: quick picks, input boxes and modal messages. */
export const vscodePrompter: Prompter = {
  async pickOne(title, items, placeholder) {
    const quickItems = toQuickPickItems(items);
    // Put the pre-selected item first so Enter accepts the default.
    const sorted = [...quickItems.filter((i) => i.picked), ...quickItems.filter((i) => !i.picked)];
    const chosen = await vscode.window.showQuickPick(sorted, { title, placeHolder: placeholder, ignoreFocusOut: true });
    return chosen?.value;
  },
  async pickMany(title, items, placeholder) {
    const chosen = await vscode.window.showQuickPick(toQuickPickItems(items), {
      title,
      placeHolder: placeholder,
      canPickMany: true,
      ignoreFocusOut: true,
    });
    return chosen?.map((i) => i.value);
  },
  input(request) {
    return Promise.resolve(
      vscode.window.showInputBox({
        title: request.title,
        prompt: request.prompt,
        value: request.value,
        placeHolder: request.placeholder,
        ignoreFocusOut: true,
        validateInput: request.validate ? (v) => request.validate?.(v) ?? null : undefined,
      }),
    );
  },
  async confirm(message, detail, action) {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
    return choice === action;
  },
  async choose(message, detail, actions) {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
  },
  offer(message, actions) {
    return Promise.resolve(vscode.window.showInformationMessage(message, ...actions));
  },
};
