// Concurrency of the native mock-server: 32 clients create direct charges in
// parallel with the developer token, each request timed. It prints the
// throughput and latency figures, then lists every direct charge and checks
// that each created id is there exactly once. Last, with 300 ms of injected
// latency, 8 parallel creates must finish well before 8 x 300 ms: a delayed
// answer must not hold up the other connections.
//
//   node bench/mock-server-load.mjs
//
// MOCK_SERVER_BIN names the binary (default target/debug/mock-server, built
// by `cargo build -p billing-mock --bin mock-server`); LOAD_PER_CLIENT the
// creates per client (default 25). Exits non-zero when a create fails, an id
// is lost or repeats, or the latency check fails.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";

const BIN = process.env.MOCK_SERVER_BIN ?? fileURLToPath(new URL("../target/debug/mock-server", import.meta.url));
const CLIENTS = 32;
const PER_CLIENT = Number(process.env.LOAD_PER_CLIENT ?? 25);
/** Items per `GET /v1/direct_charge` page (the Billing API's documented 20). */
const PAGE_SIZE = 20;
const LATENCY_MS = 300;
const LATENCY_CLIENTS = 8;
/** A hung server fails the run instead of stalling it. */
const REQUEST_TIMEOUT_MS = 30_000;
const CHARGE = {
  name: "Load test",
  price: 1900,
  quantity: 1,
  return_url: "https://app.example.com/return",
  test: true,
};

if (!Number.isInteger(PER_CLIENT) || PER_CLIENT < 1) {
  console.error(`LOAD_PER_CLIENT must be a whole number from 1, not ${process.env.LOAD_PER_CLIENT}`);
  process.exit(2);
}

/** Starts the server on a free port; resolves once it printed its address and token. */
async function start() {
  const child = spawn(BIN, ["--port", "0", "--seed", "1", "--quiet"], { stdio: ["ignore", "pipe", "inherit"] });
  // Whatever happens to this process, the server goes with it.
  process.once("exit", () => child.kill());
  const lines = createInterface({ input: child.stdout });
  const first = [];
  try {
    await new Promise((ok, fail) => {
      child.once("error", (err) => fail(new Error(`cannot start ${BIN}: ${err.message}`)));
      child.once("exit", (code) => fail(new Error(`${BIN} exited (${code}) before it printed its address`)));
      lines.on("line", (line) => {
        first.push(line);
        if (first.length === 2) ok();
      });
    });
  } catch (err) {
    child.kill();
    throw err;
  }
  const url = first[0].replace("mock-server listening on ", "");
  const token = first[1].replace("developer token (all scopes): ", "");
  if (!url.startsWith("http://") || !token) {
    child.kill();
    throw new Error(`unexpected first lines from ${BIN}: ${JSON.stringify(first)}`);
  }
  return { child, url, token };
}

function client({ url, token }) {
  return async (method, path, body) => {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, body: json, text };
  };
}

/** Nearest-rank percentile of sorted values. */
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const ms = (value) => `${value.toFixed(1)} ms`;

/** One create; resolves to its id, or throws with what went wrong. */
async function create(request) {
  const { status, body, text } = await request("POST", "/v1/direct_charge", CHARGE);
  if (status !== 201 || typeof body?.id !== "string") {
    throw new Error(`POST /v1/direct_charge answered ${status}: ${text.slice(0, 200)}`);
  }
  return body.id;
}

async function load(request) {
  const ids = [];
  const latencies = [];
  const failures = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const t0 = performance.now();
        try {
          ids.push(await create(request));
        } catch (err) {
          failures.push(err.message);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wall = performance.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`clients: ${CLIENTS}`);
  console.log(`requests: ${latencies.length}`);
  console.log(`errors: ${failures.length}`);
  for (const failure of [...new Set(failures)].slice(0, 5)) console.log(`  error: ${failure}`);
  console.log(`wall time: ${ms(wall)}`);
  console.log(`requests per second: ${(latencies.length / (wall / 1000)).toFixed(1)}`);
  console.log(`p50: ${ms(percentile(sorted, 50))}`);
  console.log(`p90: ${ms(percentile(sorted, 90))}`);
  console.log(`p99: ${ms(percentile(sorted, 99))}`);
  console.log(`max: ${ms(sorted[sorted.length - 1])}`);
  return { ids, failures };
}

/** Every listed direct charge id, page by page until a short page. */
async function listAll(request) {
  const listed = [];
  for (let page = 1; ; page++) {
    const { status, body, text } = await request("GET", `/v1/direct_charge?page=${page}`);
    if (status !== 200 || !Array.isArray(body?.result)) {
      throw new Error(`GET /v1/direct_charge?page=${page} answered ${status}: ${text.slice(0, 200)}`);
    }
    listed.push(...body.result.map((charge) => charge.id));
    if (body.result.length < PAGE_SIZE) return listed;
  }
}

/** True when every created id is listed exactly once and no id was given twice. */
function checkListed(ids, listed) {
  const times = new Map();
  for (const id of listed) times.set(id, (times.get(id) ?? 0) + 1);
  const lost = ids.filter((id) => !times.has(id));
  const repeatedListed = [...times].filter(([, n]) => n > 1).map(([id]) => id);
  const repeatedCreated = ids.filter((id, i) => ids.indexOf(id) !== i);
  const repeated = [...new Set([...repeatedListed, ...repeatedCreated])];
  console.log(`listed: ${listed.length}`);
  console.log(lost.length ? `lost: ${lost.length} (${lost.join(", ")})` : "lost: 0");
  console.log(repeated.length ? `repeated: ${repeated.length} (${repeated.join(", ")})` : "repeated: 0");
  return lost.length === 0 && repeated.length === 0;
}

/** With injected latency, parallel creates wait side by side, not in a queue. */
async function latencyCheck(request) {
  const set = await request("PATCH", "/__mock/faults", { latency_ms: LATENCY_MS });
  if (set.status !== 200) throw new Error(`PATCH /__mock/faults answered ${set.status}: ${set.text}`);
  try {
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: LATENCY_CLIENTS }, () => create(request)));
    const wall = performance.now() - started;
    const failed = results.filter((r) => r.status === "rejected");
    // Generous: serialised waits would take 8 x 300 ms; parallel ones about 300 ms.
    const limit = 4 * LATENCY_MS;
    console.log(
      `latency fault: ${LATENCY_CLIENTS} parallel creates with ${LATENCY_MS} ms latency took ${ms(wall)} ` +
        `(serialised: ${LATENCY_CLIENTS * LATENCY_MS} ms; limit ${limit} ms)`,
    );
    for (const f of failed) console.log(`  error: ${f.reason.message}`);
    return failed.length === 0 && wall < limit;
  } finally {
    const cleared = await request("DELETE", "/__mock/faults");
    if (cleared.status !== 200) console.log(`faults not cleared: DELETE /__mock/faults answered ${cleared.status}`);
  }
}

async function main() {
  const server = await start();
  try {
    const request = client(server);
    const { ids, failures } = await load(request);
    const listedOnce = checkListed(ids, await listAll(request));
    const parallel = await latencyCheck(request);
    const ok = failures.length === 0 && listedOnce && parallel;
    console.log(ok ? "ok" : "FAILED");
    return ok;
  } finally {
    server.child.kill();
  }
}

main().then(
  (ok) => {
    process.exitCode = ok ? 0 : 1;
  },
  (err) => {
    console.error(`mock-server-load: ${err.message}`);
    process.exitCode = 1;
  },
);
