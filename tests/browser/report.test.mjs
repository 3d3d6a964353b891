// index.html in a real browser: Debian's headless Chromium, driven by playwright-core.
// Each test makes its report with the faultline binary and checks what the page
// draws against sources the page does not use: the scenario file (lanes), the run's
// trace (faults) and the linearizable check's text (the counterexample).
// Run by tests/browser/run, which installs Chromium and playwright-core if missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
const binary = process.env.FL_BINARY || join(root, 'build/faultline');
const artifacts = process.env.FL_ARTIFACTS || join(root, 'build/test-artifacts');
const work = mkdtempSync(join(tmpdir(), 'fl-browser-'));
mkdirSync(artifacts, { recursive: true });

// The flags the closed network and a shared machine need; a fresh profile each run.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let context;

before(async () => {
  context = await chromium.launchPersistentContext(mkdtempSync(join(work, 'profile-')), {
    executablePath: process.env.FL_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 1000 },
  });
});

after(async () => {
  if (context) await context.close();
  rmSync(work, { recursive: true, force: true });
});

// Runs faultline; exit codes 0-2 are verdicts, anything else fails the test.
function faultline(args) {
  const r = spawnSync(binary, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok([0, 1, 2].includes(r.status), `faultline ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r;
}

async function open(dir) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // Nothing may be fetched: the page is one file.
  await page.route(/^(?!file:)/, (route) => { errors.push('fetched ' + route.request().url()); route.abort(); });
  await page.goto('file://' + join(dir, 'index.html'));
  await page.waitForFunction(() => Number(document.getElementById('timeline')?.dataset.rendered || 0) > 0);
  return { page, errors };
}

function scenario(name) { return JSON.parse(readFileSync(join(root, 'scenarios', name), 'utf8')); }

function expectedLanes(s, protocol) {
  return s.cluster.replicas + (protocol === 'zk' ? 1 : 0) + s.workload.clients;
}

// Fault lines of the trace, by kind, without the boot-time restarts; `node` keeps
// only the faults of that node ("zk", "r1").
function traceFaults(path, node) {
  const counts = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^t=\d+ fault (crash|restart|pause|resume|partition|cut|heal|network) (\S+)/.exec(line);
    if (!m || line.includes('(boot)')) continue;
    if (node !== undefined && m[2] !== node) continue;
    const kind = m[1] === 'network' ? 'change' : m[1];
    counts[kind] = (counts[kind] || 0) + 1;
  }
  return counts;
}

// Every fault marker the diagram draws matches the trace, kind by kind.
async function assertFaultMarkers(page, faults) {
  const total = Object.values(faults).reduce((a, b) => a + b, 0);
  assert.equal(await page.locator('#diagram g.fault-marker').count(), total, 'fault markers');
  for (const [kind, n] of Object.entries(faults)) {
    assert.equal(await page.locator(`#diagram g.fault-marker.${kind}`).count(), n, kind + ' markers');
  }
}

// The operations the counterexample text lists after the linearizable prefix.
function frontierOps(detail) {
  const then = detail.indexOf('\nthen ');
  assert.ok(then >= 0, 'no frontier in:\n' + detail);
  return [...detail.slice(then).matchAll(/\n {2}(c\d+#\d+) /g)].map((m) => m[1]).sort();
}

test('a failing run: lanes, fault markers and the counterexample are drawn', async () => {
  const dir = join(work, 'failing');
  const trace = join(work, 'failing.trace');
  const s = scenario('13-nemesis-soak.json');
  faultline(['run', 'scenarios/13-nemesis-soak.json', '--seed', '4', '--protocol', 'paxos-bug-local-reads',
    '--trace', trace, '--report', dir]);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).runs[0];
  const lin = report.checks.find((c) => c.name === 'linearizable');
  assert.equal(lin.verdict, 'fail', 'the local-reads mutant no longer fails this seed; pick another');

  const { page, errors } = await open(dir);
  assert.equal(await page.locator('#diagram g.lane').count(), expectedLanes(s, 'paxos-bug-local-reads'));
  assert.equal(await page.locator('#diagram g.lane.replica').count(), s.cluster.replicas);

  const faults = traceFaults(trace);
  assert.ok((faults.crash || 0) > 0 && (faults.partition || 0) + (faults.cut || 0) > 0, 'the run should have crashes and partitions');
  await assertFaultMarkers(page, faults);
  assert.ok(await page.locator('#diagram rect.down').count() > 0, 'crashed intervals are marked');
  assert.ok(await page.locator('#diagram g.leader-change').count() > 0, 'leader changes are marked');

  const marked = await page.locator('#history rect.op.cex-bad').evaluateAll((els) => els.map((e) => e.dataset.op).sort());
  assert.deepEqual(marked, frontierOps(lin.detail));
  assert.ok(await page.locator('#history rect.op.cex-prefix').count() > 0, 'the prefix is outlined');
  assert.ok(await page.locator('#cex').isVisible());
  assert.match(await page.locator('#cex h3').innerText(), /key -?\d+/);

  assert.equal(await page.locator('#log-chart path.log-line').count(), s.cluster.replicas);
  assert.equal(await page.locator('#log-chart line.log-bound').count(), 1);
  assert.ok(await page.locator('#latency-chart circle.lat').count() > 0);
  assert.ok((await page.locator('#summary').innerText()).includes(report.reproduce));
  await page.screenshot({ path: join(artifacts, 'report-failing.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a zk run: a ZooKeeper lane with its traffic, its crash and restart, and its /log', async () => {
  const dir = join(work, 'zk-restart');
  const trace = join(work, 'zk-restart.trace');
  const s = scenario('19-zk-zookeeper-restart.json');
  faultline(['run', 'scenarios/19-zk-zookeeper-restart.json', '--seed', '1', '--protocol', 'zk', '--trace', trace,
    '--report', dir]);
  const { page, errors } = await open(dir);
  assert.equal(await page.locator('#diagram g.lane').count(), s.cluster.replicas + 1 + s.workload.clients);
  assert.equal(await page.locator('#diagram g.lane.replica').count(), s.cluster.replicas);
  assert.equal(await page.locator('#diagram g.lane.client').count(), s.workload.clients);
  assert.equal(await page.locator('#diagram g.lane.zk').count(), 1);
  assert.equal(await page.locator('#diagram g.lane.zk').getAttribute('data-lane'), 'zk');
  assert.ok(await page.locator('#diagram line.msg[data-to="zk"]').count() > 0, 'replicas send to ZooKeeper');
  assert.ok(await page.locator('#diagram line.msg[data-from="zk"]').count() > 0, 'ZooKeeper replies');

  const zkFaults = traceFaults(trace, 'zk');
  assert.deepEqual(zkFaults, { crash: 1, restart: 1 }, 'the scenario crashes and restarts ZooKeeper once');
  assert.equal(await page.locator('#diagram g.fault-marker.crash[data-lane="zk"]').count(), zkFaults.crash);
  assert.equal(await page.locator('#diagram g.fault-marker.restart[data-lane="zk"]').count(), zkFaults.restart);
  assert.equal(await page.locator('#diagram rect.down[data-lane="zk"]').count(), 1, 'ZooKeeper is down in between');
  await assertFaultMarkers(page, traceFaults(trace));

  assert.equal(await page.locator('#log-chart path.log-line').count(), s.cluster.replicas + 1);
  assert.equal(await page.locator('#log-chart path.log-line.zk').count(), 1, "ZooKeeper's /log is drawn");
  await page.screenshot({ path: join(artifacts, 'report-zk-restart.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a paused zk leader: the pause and resume are marked and the paused interval drawn', async () => {
  const dir = join(work, 'zk-paused');
  const trace = join(work, 'zk-paused.trace');
  faultline(['run', 'scenarios/17-zk-leader-paused.json', '--seed', '1', '--trace', trace, '--report', dir]);
  const faults = traceFaults(trace);
  assert.equal(faults.pause, 1, 'the scenario pauses the leader once');
  assert.equal(faults.resume, 1);
  const { page, errors } = await open(dir);
  assert.equal(await page.locator('#diagram g.lane.zk').count(), 1, 'the scenario runs zk');
  await assertFaultMarkers(page, faults);
  const paused = /^t=\d+ fault pause (\S+)/m.exec(readFileSync(trace, 'utf8'))[1];
  assert.equal(await page.locator('#diagram g.fault-marker.pause').getAttribute('data-lane'), paused);
  assert.equal(await page.locator('#diagram g.fault-marker.resume').getAttribute('data-lane'), paused);
  assert.equal(await page.locator(`#diagram rect.paused[data-lane="${paused}"]`).count(), 1);
  assert.equal(await page.locator('#diagram rect.paused').count(), 1);
  await page.screenshot({ path: join(artifacts, 'report-zk-paused.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('zooming narrows the window every panel shows', async () => {
  const dir = join(work, 'zoom');
  faultline(['run', 'scenarios/10-coordinator-isolated.json', '--seed', '2', '--report', dir]);
  const { page, errors } = await open(dir);
  const span = async () => page.evaluate(() => Number(timeline.dataset.t1) - Number(timeline.dataset.t0));
  const drawn = async () => page.evaluate(() => Number(diagram.dataset.messagesInView));
  const [span0, drawn0] = [await span(), await drawn()];
  const rendered = await page.evaluate(() => Number(timeline.dataset.rendered));
  await page.click('#btn-zoom-in');
  await page.waitForFunction((n) => Number(timeline.dataset.rendered) > n, rendered);
  assert.equal(await span(), span0 / 2);
  assert.ok(await drawn() < drawn0, 'fewer messages in a narrower window');
  await page.click('#btn-fit');
  await page.waitForFunction((s0) => Number(timeline.dataset.t1) - Number(timeline.dataset.t0) === s0, span0);
  assert.equal(await page.locator('#history rect.op.cex-bad').count(), 0, 'a passing run marks nothing');
  assert.ok(!(await page.locator('#cex').isVisible()));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sweep lists failing seeds first and shows the first failing seed', async () => {
  const dir = join(work, 'sweep');
  faultline(['sweep', 'scenarios/13-nemesis-soak.json', '--seeds', '1..4', '--jobs', '2', '--protocol',
    'paxos-bug-skip-adoption', '--report', dir]);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  const { page, errors } = await open(dir);
  const rows = await page.locator('#runs tr.run').evaluateAll((els) => els.map((e) => [e.classList.contains('failing'), Number(e.dataset.seed)]));
  assert.equal(rows.length, 4);
  const failing = rows.filter((r) => r[0]).length;
  assert.equal(failing, report.summary.failed);
  assert.ok(failing > 0, 'the skip-adoption mutant should fail some of these seeds');
  assert.deepEqual(rows.map((r) => r[0]), rows.map((_, i) => i < failing), 'failing rows come first');
  assert.match(await page.locator('#timeline-section h2').innerText(), new RegExp(`seed=${rows[0][1]}\\b`));
  assert.equal(await page.locator('#diagram g.lane').count(), expectedLanes(scenario('13-nemesis-soak.json'), 'paxos'));
  await page.screenshot({ path: join(artifacts, 'report-sweep.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a run of over 100,000 events stays small and usable', async () => {
  const dir = join(work, 'long');
  const out = faultline(['run', 'tests/data/long-soak.json', '--seed', '1', '--report', dir]).stdout;
  const events = Number(/ events=(\d+)/.exec(out)[1]);
  assert.ok(events >= 100000, `only ${events} events`);
  assert.ok(statSync(join(dir, 'index.html')).size < 20e6);
  const { page, errors } = await open(dir);
  const drawn = await page.evaluate(() => Number(diagram.dataset.messagesDrawn));
  assert.ok(drawn > 0 && drawn <= 3000, `${drawn} arrows drawn`);
  assert.match(await page.locator('#view-status').innerText(), /evenly sampled/);
  const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
  assert.ok(elements < 60000, `${elements} elements`);
  await page.screenshot({ path: join(artifacts, 'report-long.png') });
  assert.deepEqual(errors, []);
  await page.close();
});
