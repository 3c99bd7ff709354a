#!/usr/bin/env node
// Command line of the local Kubernetes + Istio testbed. See testbed/README.md.
//
//   node testbed/testbed.mjs build                 build (once per machine) the pinned binaries
//   node testbed/testbed.mjs up [--istio]          start the cluster (and Istio) on free ports
//   node testbed/testbed.mjs up --clusters 2 [--istio [multi-primary]]
//                                                  two control planes, one kubeconfig (contexts istio-mesh-testbed-1, -2);
//                                                  with --istio one multi-primary mesh over them (shared root CA, remote secrets)
//   node testbed/testbed.mjs istio [--revision R]  install Istio into a running bare testbed + start istiod
//                                                  (--revision: a further revision beside the default one, own istiod)
//   node testbed/testbed.mjs istiod [--wait S] [--revision R]  start only a local istiod (Istio installed by someone else)
//   node testbed/testbed.mjs status [--json]       what runs
//   node testbed/testbed.mjs env [--json|--export] KUBECONFIG=... lines for a shell or a test runner
//   node testbed/testbed.mjs down                  stop everything it started, remove the state dir
//
// Options: --dir DIR (state dir; also $ISTIO_MESH_TESTBED_DIR), --nodes N (kwok nodes per cluster, default 2; 1 with --clusters),
//          --profile P (istioctl profile for --istio / istio, default minimal).
import { parseArgs } from 'node:util';
import { TestbedError, build, down, env, installIstio, startIstiod, status, stopIstiod, up } from './lib.mjs';
import { meshEnv, readMesh, upMesh } from './mesh.mjs';

const USAGE = 'usage: node testbed/testbed.mjs <build|up|istio|istiod|status|env|down> [--istio [multi-primary]] [--clusters N] [--revision R] [--dir DIR] [--nodes N] [--profile P] [--json]';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      istio: { type: 'boolean', default: false },
      dir: { type: 'string' },
      nodes: { type: 'string' },
      clusters: { type: 'string', default: '1' },
      profile: { type: 'string', default: 'minimal' },
      json: { type: 'boolean', default: false },
      export: { type: 'boolean', default: false },
      wait: { type: 'string' },
      revision: { type: 'string' },
      stop: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [cmd] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const dir = values.dir;
  switch (cmd) {
    case 'build': {
      const t0 = Date.now();
      const bin = await build({ echo: values.verbose });
      console.error(`testbed: built (${Math.round((Date.now() - t0) / 1000)}s); binaries in ${bin.etcd.replace(/\/etcd-[^/]+\/bin\/etcd$/, '')}`);
      return 0;
    }
    case 'up': {
      const clusters = positiveInteger('--clusters', values.clusters);
      // Two control planes share 2 cores: one fake node each is enough unless asked for more.
      const nodes = positiveInteger('--nodes', values.nodes ?? (clusters > 1 ? '1' : '2'));
      const model = positionals[1]; // `--istio multi-primary`: the one multi-cluster model the testbed builds
      if (model !== undefined && (model !== 'multi-primary' || !values.istio || clusters < 2)) throw new TestbedError(`unexpected "${model}": only \`up --clusters N --istio multi-primary\` takes a model.`);
      const e = clusters > 1 ? await upMesh({ dir, clusters, istio: values.istio, nodes }) : await up({ dir, istio: values.istio, nodes });
      printEnv(e, values.json);
      return 0;
    }
    case 'istio': {
      await installIstio({ dir, profile: values.profile, revision: values.revision });
      await startIstiod({ dir, revision: values.revision });
      return 0;
    }
    case 'istiod': {
      if (values.stop) await stopIstiod({ dir, revision: values.revision });
      else await startIstiod({ dir, revision: values.revision, waitInstallMs: values.wait ? Number(values.wait) * 1000 : 0 });
      return 0;
    }
    case 'status': {
      const mesh = readMesh(dir);
      if (mesh) return printMeshStatus(mesh, values.json);
      const s = status({ dir });
      if (values.json) console.log(JSON.stringify(s, null, 2));
      else if (!s.exists) console.log(`testbed: not running (no state in ${s.dir})`);
      else {
        console.log(`testbed: ${s.running ? 'running' : 'NOT healthy'} (state ${s.dir})`);
        if (s.server) console.log(`  apiserver   ${s.server}  context ${s.context}  kubeconfig ${s.kubeconfig}`);
        for (const c of s.components) console.log(`  ${c.name.padEnd(24)} pid ${String(c.pid).padEnd(8)} ${c.alive ? 'running' : 'EXITED'}   log ${c.log}`);
        if (!s.running) console.log('  fix: npm run testbed -- down, then npm run testbed -- up');
      }
      return s.running ? 0 : 1;
    }
    case 'env': {
      printEnv(readMesh(dir) ? meshEnv({ dir }) : env({ dir }), values.json, values.export);
      return 0;
    }
    case 'down': {
      await down({ dir });
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

function positiveInteger(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new TestbedError(`${flag} must be a positive integer, not ${text}`);
  return n;
}

/** Each cluster of a multi-cluster testbed with its components and their memory; exit code 1 unless all run. */
function printMeshStatus(mesh, json) {
  const clusters = mesh.clusters.map((c) => ({ ...c, status: status({ dir: c.dir }) }));
  const running = clusters.every((c) => c.status.running);
  if (json) console.log(JSON.stringify({ ...mesh, running, clusters }, null, 2));
  else {
    console.log(`testbed: ${clusters.length} clusters, ${running ? 'running' : 'NOT healthy'} (state ${mesh.dir}, kubeconfig ${mesh.kubeconfig})`);
    for (const c of clusters) {
      const rss = c.status.components.reduce((sum, p) => sum + (p.rssMiB ?? 0), 0);
      console.log(`  ${c.name}  context ${c.context}  apiserver ${c.server}  ${rss} MiB`);
      for (const p of c.status.components) console.log(`    ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${p.alive ? 'running' : 'EXITED'}  ${p.rssMiB ?? '-'} MiB`);
    }
    if (!running) console.log(`  fix: npm run testbed -- down --dir ${mesh.dir}, then up again`);
  }
  return running ? 0 : 1;
}

/** KEY=value lines, values single-quoted where a shell would split them (`eval "$(... env --export)"` works). */
function printEnv(e, json, exportPrefix = false) {
  if (json) {
    console.log(JSON.stringify(e, null, 2));
    return;
  }
  const quote = (v) => (/^[\w./:=@,+-]*$/.test(v) ? v : `'${v.replaceAll("'", "'\\''")}'`);
  for (const [k, v] of Object.entries(e)) console.log(`${exportPrefix ? 'export ' : ''}${k}=${quote(String(v))}`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof TestbedError) console.error(`testbed: ${err.message}`);
    else console.error(err);
    process.exit(1);
  },
);
