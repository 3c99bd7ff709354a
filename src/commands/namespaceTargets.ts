import type * as vscode from 'vscode';

/** Reads a namespace name out of what another extension's tree passes to a command, or `undefined` if it is not one of its nodes. */
export type NamespaceTargetResolver = (target: unknown) => string | undefined;

/**
 * The namespace commands also run from other extensions' trees (the Kubernetes extension's Cluster Explorer): each
 * such companion adds a resolver for its own nodes while it is there.
 */
export class NamespaceTargets {
  private readonly resolvers = new Set<NamespaceTargetResolver>();

  add(resolver: NamespaceTargetResolver): vscode.Disposable {
    this.resolvers.add(resolver);
    return { dispose: () => this.resolvers.delete(resolver) };
  }

  resolve(target: unknown): string | undefined {
    for (const resolver of this.resolvers) {
      const name = resolver(target);
      if (name) return name;
    }
    return undefined;
  }
}
