// SPDX-License-Identifier: BSD-2-Clause
//
// The corpus's Node crawler (scraper, "wide" profile): Node's built-in
// fetch (HTTP/1.1 keep-alive), WORKERS concurrent loops walking the
// social site's API (/api/feed?page=N, then each post's JSON) at about
// RATE requests a second. Run with NODE_TLS_REJECT_UNAUTHORIZED=0 (the
// server's certificate is self-signed).
//
// Usage: node crawl.mjs BASE RATE WORKERS SEED

const [base, rateArg, workersArg, seedArg] = process.argv.slice(2);
const rate = Number(rateArg), workers = Number(workersArg);
let seed = Number(seedArg) >>> 0;
function rnd() {
  // xorshift32: a small seeded generator, enough for jitter.
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const queue = [];
for (let p = 1; p <= 150; p++) queue.push(`/api/feed?page=${p}`);
const seen = new Set();
let nextT = Date.now(), n = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function worker() {
  while (queue.length > 0) {
    const path = queue.shift();
    const now = Date.now();
    const t = Math.max(now, nextT);
    nextT = t + (1000 / rate) * (0.6 + 0.8 * rnd());
    await sleep(t - now);
    try {
      const r = await fetch(base + path);
      const body = await r.text();
      n++;
      if (path.startsWith('/api/feed')) {
        for (const post of JSON.parse(body).posts || []) {
          if (!seen.has(post.url)) {
            seen.add(post.url);
            queue.push(post.url);
          }
        }
      }
    } catch (e) {
      console.error('crawl.mjs:', path, e.message);
    }
  }
}
await Promise.all(Array.from({ length: workers }, worker));
console.log(`crawl.mjs: ${n} requests`);
