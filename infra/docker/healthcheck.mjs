// The health check of every service container (docker-compose.yml): exits 0 when the URL given
// answers 2xx within 4 s, 1 otherwise, saying why on stderr (`docker inspect` shows it).
const url = process.argv[2];
const fail = (why) => {
  process.stderr.write(`${why}\n`);
  process.exit(1);
};
if (!url) fail('usage: node healthcheck.mjs <url>');
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  if (!response.ok) fail(`${url} answered ${response.status}`);
  process.exit(0);
} catch (error) {
  fail(`${url}: ${error instanceof Error ? error.message : String(error)}`);
}
