// Summarises a V8 .cpuprofile (node --cpu-prof): where the samples were, by function (self time)
// and by area (a node_modules package, a platform package, Node's core, GC, idle).
import fs from 'node:fs';

// `fromUs`/`toUs` keep only the samples taken in that window, on the monotonic clock V8 stamps
// profiles with (the same as process.hrtime() in any process on this machine), so start-up and
// shutdown can be left out.
export function summarizeProfile(file, { top = 25, fromUs = -Infinity, toUs = Infinity } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) continue;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + delta);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const functions = new Map();
  const areas = new Map();
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id);
    const area = areaOf(callFrame);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    const name = `${callFrame.functionName || '(anonymous)'} ${shortUrl(callFrame.url)}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  // Inclusive time: every function on a sample's stack gets the sample once.
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map();
  for (const [id, micros] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { callFrame } = byId.get(at);
      if (!callFrame.url) continue;
      const name = `${callFrame.functionName || '(anonymous)'} ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  const idle = areas.get('(idle)') ?? 0;
  const busy = total - idle;
  const sorted = (map) =>
    [...map.entries()]
      .filter(([name]) => name !== '(idle)' && !name.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => ({ name, ms: micros / 1000, shareOfBusy: micros / busy }));
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    areas: sorted(areas),
    functions: sorted(functions),
    inclusive: [...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, micros]) => ({ name, ms: micros / 1000, shareOfBusy: micros / busy })),
  };
}

function areaOf({ url, functionName }) {
  if (!url) {
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, outside JS)';
    return `(native: ${functionName || 'anonymous'})`;
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const platform = /\/(packages|apps|tools)\/([^/]+)\//.exec(url);
  if (platform) return platform[1] === 'apps' ? `apps/${platform[2]}` : `@platform/${platform[2]}`;
  if (url.startsWith('node:')) {
    const core = url.replace(/^node:(internal\/)?/, '').split('/');
    return `node core: ${core.slice(0, core[0] === 'deps' ? 2 : 1).join('/')}`;
  }
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const platform = /\/((packages|apps|tools)\/.*)$/.exec(url);
  if (platform) return platform[1];
  return url.replace(/^file:\/\//, '');
}
