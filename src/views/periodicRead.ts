// A read repeated every so often, but only while someone can see its result: what has no watch (istiod's sync state
// of the remote clusters) is asked for again while the Mesh view shows, and not at all while it is hidden. Showing
// the view reads at once. Pure (timers only), so it is unit-tested.
export class PeriodicRead {
  private timer: NodeJS.Timeout | undefined;
  private visible = true;
  private active = false;

  constructor(private readonly everyMs: number, private readonly read: () => void) {}

  /** Whether there is anything to read (the Clusters level is built). */
  setActive(active: boolean): void {
    this.active = active;
    this.restart();
  }

  /** The view was shown or hidden. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    this.restart();
    if (visible && this.active) this.read();
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private restart(): void {
    this.dispose();
    if (this.visible && this.active) this.timer = setInterval(this.read, this.everyMs);
  }
}
