// How many flag evaluations per second @platform/flags does in one process, one core — the in-process
// SDK's cost per `evaluate` (goal: at least 1,000,000 per second):
//   (a) a plain boolean flag (one fixed variant for everyone);
//   (b) a flag with 2 rules (an attribute condition, then a segment with an include list and two
//       conditions) and a 30% rollout as the default rule — most contexts test both rules, then hash;
//   (c) the same flag through `evaluate(flag, context, segments)`, which validates and compiles on
//       every call: what skipping `compileFlag` once per definition would cost;
//   (d) a flag whose one rule is a `matches` condition (an e-mail pattern) that every context tests;
//   (e) a hostile `matches` pattern, `(a+)+$`, against a 21-character value `aaaa…a!`, where a
//       backtracking engine takes 2^20 steps (one call at a time);
//   (f) the same against a 100 KB value: a backtracking engine would never finish (`--no-large` skips it).
// References measured in the same run, over the same contexts: reading the context's userId (the
// loop's own cost), a Map lookup by userId (a "cheap" operation to compare with), and (d)'s pattern
// through V8's own backtracking `RegExp.prototype.test` on the same e-mails (the engine `matches`
// used before RE2).
// Every case walks 1,000 distinct precomputed contexts in turn; ROUNDS rounds of SECONDS each after a
// warm-up round, median round reported.
//
//   npx turbo run build --filter=@platform/flags --output-logs=errors-only
//   node bench/flags/evaluate.mjs            # --quick: 3 rounds of 0.5 s
//   flags: --rounds 5 --seconds 1

import { compileFlag, evaluate } from '@platform/flags';

import { loadavg, machine, parseArgs } from '../lib/harness.mjs';
import { describeDisturbance, watchDisturbance } from '../lib/quiet.mjs';
import { printTable, ratio } from '../lib/table.mjs';
import { progressLog, tightLoopRate } from '../lib/tight-loop.mjs';

const args = parseArgs();
const QUICK = args.quick === true;
const ROUNDS = Number(args.rounds ?? (QUICK ? 3 : 5));
const SECONDS = Number(args.seconds ?? (QUICK ? 0.5 : 1));
const CONTEXTS = 1_000;
const GOAL = 1_000_000;

const log = progressLog();

const COUNTRIES = ['DE', 'AT', 'FR', 'US', 'GB', 'JP', 'BR'];
const contexts = Array.from({ length: CONTEXTS }, (_, i) => ({
  userId: `user-${i}`,
  email: i % 20 === 0 ? `user-${i}@example.com` : `user-${i}@customer-${i % 13}.org`,
  country: COUNTRIES[i % COUNTRIES.length],
  plan: i % 3 === 0 ? 'pro' : 'free',
}));

const beta = {
  key: 'beta-testers',
  includedUserIds: Array.from({ length: 50 }, (_, i) => `user-${i * 17}`),
  conditions: [
    { attribute: 'plan', operator: 'equals', values: ['pro'] },
    { attribute: 'country', operator: 'in', values: ['DE', 'AT'] },
  ],
};
const segments = new Map([[beta.key, beta]]);

const plainFlag = {
  key: 'maintenance-banner',
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  defaultRule: { variant: 'on' },
};
const EMAIL_PATTERN = '^[a-z0-9.-]+@(example|corp)\\.com$';
const matchFlag = {
  key: 'staff-by-pattern',
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  rules: [
    {
      id: 'staff',
      conditions: [{ attribute: 'email', operator: 'matches', values: [EMAIL_PATTERN] }],
      serve: { variant: 'on' },
    },
  ],
  defaultRule: { variant: 'off' },
};
const hostileFlag = {
  key: 'hostile-pattern',
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  rules: [
    {
      conditions: [{ attribute: 'probe', operator: 'matches', values: ['(a+)+$'] }],
      serve: { variant: 'on' },
    },
  ],
  defaultRule: { variant: 'off' },
};
const hostileShort = { userId: 'user-1', probe: `${'a'.repeat(20)}!` };
const hostileLarge = { userId: 'user-1', probe: `${'a'.repeat(100_000)}!` };

const richFlag = {
  key: 'new-checkout',
  enabled: true,
  variants: { on: true, off: false },
  offVariant: 'off',
  rules: [
    {
      id: 'staff',
      conditions: [{ attribute: 'email', operator: 'endsWith', values: ['@example.com'] }],
      serve: { variant: 'on' },
    },
    { id: 'beta', conditions: [{ segment: 'beta-testers' }], serve: { variant: 'on' } },
  ],
  defaultRule: {
    rollout: [
      { variant: 'on', weight: 30 },
      { variant: 'off', weight: 70 },
    ],
  },
};

/** Calls per second of `once(context)` over the contexts in turn: the median of ROUNDS rounds. */
function rate(name, once) {
  const result = tightLoopRate((i) => once(contexts[i]), {
    rounds: ROUNDS,
    seconds: SECONDS,
    batch: CONTEXTS,
  });
  log(`${name}: ${fmt(result.median)} (last result ${JSON.stringify(result.last)})`);
  return result;
}

/** Calls per second of `once()` on one input, one call per batch: for calls that may take milliseconds. */
function slowRate(name, once) {
  const result = tightLoopRate(() => once(), { rounds: ROUNDS, seconds: SECONDS, batch: 1 });
  log(`${name}: ${fmt(result.median)} (last result ${JSON.stringify(result.last)})`);
  return result;
}

const fmt = (perSecond) =>
  perSecond >= 1e6
    ? `${(perSecond / 1e6).toFixed(2)} M/s`
    : perSecond >= 1e3
      ? `${(perSecond / 1e3).toFixed(1)} k/s`
      : `${perSecond.toFixed(1)} /s`;
const ns = (perSecond) => (1e9 / perSecond).toFixed(1);
const LARGE = args['no-large'] !== true;

log(`evaluate: ${machine()}; load average ${loadavg()}`);
log(`${ROUNDS} rounds × ${SECONDS} s per case (after one warm-up round), median round; ${CONTEXTS} contexts`);

const plain = compileFlag(plainFlag);
const rich = compileFlag(richFlag, segments);
const outcomes = new Map();
for (const context of contexts) {
  const { reason, variant, ruleId } = rich.evaluate(context);
  const outcome = `${reason}${ruleId ? ` ${ruleId}` : ''} → ${variant}`;
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
}
log(
  `flag (b) over the ${CONTEXTS} contexts: ${[...outcomes]
    .sort()
    .map(([outcome, count]) => `${outcome}: ${count}`)
    .join(', ')}`,
);

const disturbance = watchDisturbance();
const userIds = new Map(contexts.map((context, i) => [context.userId, i % 2 === 0]));
const floor = rate('read context.userId (loop floor)', (context) => context.userId);
const lookup = rate('Map lookup by userId (reference)', (context) => userIds.get(context.userId));
const a = rate('(a) plain boolean flag', (context) => plain.evaluate(context));
const b = rate('(b) 2 rules + segment + 30% rollout', (context) => rich.evaluate(context));
const c = rate('(c) (b) via evaluate(), compiling per call', (context) =>
  evaluate(richFlag, context, segments),
);
const matching = compileFlag(matchFlag);
const d = rate('(d) one `matches` rule (e-mail pattern)', (context) => matching.evaluate(context));
const v8Pattern = new RegExp(EMAIL_PATTERN);
const v8 = rate("(d)'s pattern through V8's RegExp.test (reference)", (context) =>
  v8Pattern.test(context.email),
);
const hostile = compileFlag(hostileFlag);
const e = slowRate('(e) `(a+)+$` against 20 × a + !', () => hostile.evaluate(hostileShort));
const f = LARGE
  ? slowRate('(f) `(a+)+$` against 100,000 × a + !', () => hostile.evaluate(hostileLarge))
  : undefined;
const quiet = disturbance.stop();

const row = (name, r, goal) => [
  name,
  fmt(r.median),
  `${fmt(r.min)}–${fmt(r.max)}`,
  ns(r.median),
  ratio(r.median, lookup.median),
  goal ? (r.median >= GOAL ? 'yes' : 'NO') : 'n/a',
];
printTable(
  `In-process flag evaluation, one core, ${CONTEXTS} distinct contexts (node ${process.version})`,
  ['case', 'evaluations/s (median)', 'min–max round', 'ns each', 'vs Map lookup', '≥ 1 M/s'],
  [
    row('(a) plain boolean flag, `compileFlag(…).evaluate`', a, true),
    row('(b) 2 rules + segment + 30% rollout, `compileFlag(…).evaluate`', b, true),
    row('(c) as (b), `evaluate(flag, context, segments)` per call', c, false),
    row('(d) one `matches` rule, `^[a-z0-9.-]+@(example|corp)\\.com$` on e-mails', d, true),
    row('(e) `matches` `(a+)+$` against `aaaaaaaaaaaaaaaaaaaa!` (21 characters)', e, false),
    ...(f ? [row('(f) `matches` `(a+)+$` against 100,000 × `a` + `!`', f, false)] : []),
    row("(d)'s pattern alone through V8's `RegExp.test` (reference)", v8, false),
    row('`map.get(context.userId)` (reference)', lookup, false),
    row('`context.userId` (loop floor)', floor, false),
  ],
);
const met = a.median >= GOAL && b.median >= GOAL;
log(
  `goal of ≥ 1 M evaluations/s with a compiled flag: ${met ? 'met' : 'NOT met'} ` +
    `((a) ${fmt(a.median)}, (b) ${fmt(b.median)})`,
);
log(describeDisturbance(quiet));
process.exit(0);
