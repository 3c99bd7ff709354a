#!/usr/bin/env node
// The long tasks of a CPU profile (`.cpuprofile`, e.g. from `npm run bench -- view -- --profile FILE`): stretches of
// samples with the thread busy (not idle) longer than a threshold, each with the functions that took its time. This is
// what an event-loop stall is made of; DevTools shows the same as a flame chart, this prints it.
//
//   node scripts/profile-tasks.mjs FILE [--over 30] [--top 12]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { over: { type: 'string', default: '30' }, top: { type: 'string', default: '12' } } });
if (positionals.length !== 1) {
  console.error('usage: node scripts/profile-tasks.mjs FILE [--over MS] [--top N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
const over = Number(values.over);
const top = Number(values.top);

const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
const idle = (n) => n.callFrame.functionName === '(idle)';

/** The frames of a sample, innermost first. */
function stack(id) {
  const frames = [];
  for (let at = id; at !== undefined; at = parent.get(at)) frames.push(nodes.get(at));
  return frames.slice(0, -1); // without (root)
}

// Each sample's time: the delta to the next one.
const times = [];
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  times.push(t);
}
const tasks = [];
let current;
for (let i = 0; i < profile.samples.length; i++) {
  const node = nodes.get(profile.samples[i]);
  const dt = (times[i + 1] ?? times[i]) - times[i];
  if (idle(node)) {
    if (current) tasks.push(current);
    current = undefined;
    continue;
  }
  current ??= { start: times[i], ms: 0, samples: [] };
  current.ms += dt / 1000;
  current.samples.push({ id: profile.samples[i], ms: dt / 1000 });
}
if (current) tasks.push(current);

const long = tasks.filter((k) => k.ms > over);
const busy = tasks.reduce((s, k) => s + k.ms, 0);
console.log(`${tasks.length} tasks, ${busy.toFixed(0)} ms busy in ${((times.at(-1) - times[0]) / 1000).toFixed(0)} ms; ${long.length} over ${over} ms (longest ${Math.max(0, ...tasks.map((k) => k.ms)).toFixed(0)} ms)`);
for (const task of long) {
  const self = new Map();
  const total = new Map();
  for (const s of task.samples) {
    const frames = stack(s.id);
    const first = name(frames[0]);
    self.set(first, (self.get(first) ?? 0) + s.ms);
    for (const f of new Set(frames.map(name))) total.set(f, (total.get(f) ?? 0) + s.ms);
  }
  const list = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([f, ms]) => `      ${ms.toFixed(1).padStart(7)} ms  ${f}`).join('\n');
  console.log(`\n  task at +${((task.start - profile.startTime) / 1000).toFixed(0)} ms: ${task.ms.toFixed(0)} ms`);
  console.log(`    self:\n${list(self)}`);
  console.log(`    total:\n${list(total)}`);
}
