import * as vscode from 'vscode';
import type { ClusterClient } from '../cluster/client';
import type { Config } from '../config';
import type { ClusterFacts } from '../mesh/clusterFacts';
import { type ClusterReading, namespaceFacts, readClusterFacts } from '../mesh/clusterFactsReader';
import { type MeshFinding, meshFindings } from '../mesh/meshChecks';
import { namespaceDifferences } from '../mesh/multiCluster';
import { errorMessage } from '../util/errors';
import type { Logger } from '../util/log';
import { PeriodicRead } from './periodicRead';
import { MeshSession, type SessionChange } from './session';

/**
 * The reads of istio-system again after this long while the view shows: istiod's sync state (`/debug/clusterz`) has no
 * watch, so it is asked for; while the view is hidden nothing is read (the control plane's changes still are).
 */
const rereadMs = 30_000;
/** Changes of the control plane within this window cause one read. */
const settleMs = 300;

/** One chosen context: its session (the selected context's own, or one of its own) and what was last read of it. */
export interface ClusterEntry {
  readonly context: string;
  readonly session: MeshSession;
  reading?: ClusterReading;
  /** Why the last read failed as a whole. */
  readError?: string;
}

/** What the mesh checks found, and which namespaces differ, over the clusters read so far. */
export interface MeshEvaluation {
  readonly findings: readonly MeshFinding[];
  /** context → namespace → how it differs (see `namespaceDifferences`). */
  readonly differences: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * The clusters of `istio.mesh.contexts`: one MeshSession (watches and store) per context, the selected context's own
 * session reused, so one cluster is never watched twice. Reads each cluster's facts (clusterFactsReader.ts) when its
 * control plane or its namespaces change, and every 30 s while the view shows, and evaluates the mesh checks over the
 * clusters that answer.
 * An unreachable cluster keeps its own session's state; the others go on.
 */
export class ClusterSet implements vscode.Disposable {
  private list: ClusterEntry[] = [];
  private built: string | undefined;
  /** The rebuild under way: the view and a setting change may both ask at once. */
  private building: Promise<void> | undefined;
  private generation = 0;
  private readonly owned: MeshSession[] = [];
  private perSession: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly rereads = new PeriodicRead(rereadMs, () => this.list.forEach((e) => this.schedule(e)));
  private current: MeshEvaluation = { findings: [], differences: new Map() };
  private currentFace = '';
  private readonly listEmitter = new vscode.EventEmitter<void>();
  /** The chosen contexts changed (the Clusters level appears, goes, or gets other rows). */
  readonly onDidChangeClusters = this.listEmitter.event;
  private readonly factsEmitter = new vscode.EventEmitter<string>();
  /** A cluster's facts were read again (its row's words may change). */
  readonly onDidReadFacts = this.factsEmitter.event;
  private readonly evaluationEmitter = new vscode.EventEmitter<MeshEvaluation>();
  /** The findings or the namespace differences changed. */
  readonly onDidEvaluate = this.evaluationEmitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly main: MeshSession, private readonly config: Config, private readonly log: Logger, private readonly memento: vscode.Memento) {
    this.disposables = [this.listEmitter, this.factsEmitter, this.evaluationEmitter,
      config.onDidChange((e) => {
        if (e.affectsConfiguration('istio.mesh.contexts')) this.building = this.rebuild();
      }),
      // Another selected context: its session takes the place of the one of its own, if it has one.
      main.onDidChange((c) => {
        if (c.state && this.built !== undefined && main.contextName !== undefined && main.contextName !== this.built) this.building = this.rebuild();
      }),
    ];
  }

  /** More than one context chosen: the Mesh view shows the Clusters level. */
  get multi(): boolean {
    return this.config.meshContexts.length > 1;
  }
  get clusters(): readonly ClusterEntry[] {
    return this.list;
  }
  get evaluation(): MeshEvaluation {
    return this.current;
  }

  /** Starts a session per chosen context (the selected one first, so its session is the one reused). */
  async ensureStarted(): Promise<void> {
    if (!this.multi || this.built !== undefined) return;
    this.building ??= this.rebuild();
    await this.building;
  }

  /** A connected client of a chosen context (the live documents of findings read their object through it). */
  clientFor(context: string): ClusterClient | undefined {
    return this.list.find((e) => e.context === context)?.session.client;
  }

  /** The Mesh view was shown or hidden: the periodic reads follow it, and showing it reads every cluster at once. */
  setVisible(visible: boolean): void {
    this.rereads.setVisible(visible);
  }

  /** Lists every other chosen cluster again (the selected one is refreshed by its own session) and reads their facts. */
  async refresh(): Promise<void> {
    await Promise.all(this.list.filter((e) => e.session !== this.main).map((e) => e.session.refresh()));
    for (const e of this.list) this.schedule(e);
  }

  dispose(): void {
    this.teardown();
    for (const d of this.disposables) d.dispose();
  }

  private async rebuild(): Promise<void> {
    const generation = ++this.generation;
    this.teardown();
    if (!this.multi) {
      this.built = undefined;
      this.publish();
      this.listEmitter.fire();
      return;
    }
    await this.main.ensureStarted();
    if (generation !== this.generation) return; // a later rebuild took over
    const selected = this.main.contextName;
    this.built = selected ?? '';
    this.list = this.config.meshContexts.map((context) => {
      if (context === selected) return { context, session: this.main };
      const session = new MeshSession(this.config, this.log, this.memento, undefined, context);
      this.owned.push(session);
      return { context, session };
    });
    for (const entry of this.list) {
      this.perSession.push(entry.session.onDidChange((c) => this.onSessionChange(entry, c)));
      void entry.session.ensureStarted().then(() => this.schedule(entry));
    }
    this.rereads.setActive(true);
    this.listEmitter.fire();
  }

  private teardown(): void {
    for (const d of this.perSession) d.dispose();
    this.perSession = [];
    for (const s of this.owned.splice(0)) s.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.rereads.setActive(false);
    this.list = [];
  }

  private onSessionChange(entry: ClusterEntry, change: SessionChange): void {
    if (change.state || change.mesh?.controlPlane || change.mesh?.meshFacts) return this.schedule(entry);
    const store = entry.session.store;
    if (change.mesh?.namespaces && entry.reading && store) {
      // Namespaces come from the store, which is live: no read needed.
      entry.reading = { ...entry.reading, facts: { ...entry.reading.facts, namespaces: namespaceFacts(store.namespaces) } };
      this.publish();
    }
  }

  private schedule(entry: ClusterEntry): void {
    if (this.timers.has(entry.context)) return;
    this.timers.set(entry.context, setTimeout(() => {
      this.timers.delete(entry.context);
      void this.read(entry);
    }, settleMs));
  }

  private async read(entry: ClusterEntry): Promise<void> {
    const { session } = entry;
    const client = session.client;
    if (!client || session.state !== 'ready' || !session.store) {
      this.factsEmitter.fire(entry.context);
      return this.publish();
    }
    try {
      entry.reading = await readClusterFacts(client, session.store.namespaces);
      entry.readError = undefined;
    } catch (err) {
      entry.readError = errorMessage(err);
      this.log.warn(`Reading the mesh facts of context "${entry.context}": ${entry.readError}`);
    }
    if (!this.list.includes(entry)) return;
    this.factsEmitter.fire(entry.context);
    this.publish();
  }

  /** The checks over the clusters that answer now: a cluster that does not is left out rather than judged on old facts. */
  private publish(): void {
    const facts: ClusterFacts[] = this.list.filter((e) => e.session.state === 'ready' && e.reading).map((e) => e.reading!.facts);
    const evaluation: MeshEvaluation = { findings: meshFindings(facts), differences: namespaceDifferences(facts) };
    const face = JSON.stringify([evaluation.findings, [...evaluation.differences].map(([c, m]) => [c, [...m]])]);
    if (face === this.currentFace) return;
    this.currentFace = face;
    this.current = evaluation;
    this.evaluationEmitter.fire(evaluation);
  }
}
