import { readFileSync } from 'node:fs';
import { plainManifests } from '../src/yaml/plain';
import { loadFast } from '../src/yaml/schema/fastYaml';
import { isTemplate } from '../src/yaml/plain';
const files = readFileSync('/tmp/an.txt', 'utf8').trim().split('\n');
let plainB = 0, eagerB = 0; const eager: [number, string, string][] = [];
for (const f of files) { const t = readFileSync(f, 'utf8'); if (plainManifests(t)) plainB += t.length; else { eagerB += t.length; eager.push([t.length, f.replace(/.*istio@[^/]+\//, ''), isTemplate(t) ? 'template' : loadFast(t) ? 'deep?' : 'loadFast refused']); } }
console.log({ plainB, eagerB, eagerFiles: eager.length });
eager.sort((a, b) => b[0] - a[0]); for (const e of eager.slice(0, 25)) console.log(e.join(' '));
