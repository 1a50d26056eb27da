// The demo's mock backend, as a Service Worker. In mock mode the widget
// registers it (src/web/mock_worker.rs); from then on the browser hands it
// every request for the APIs' addresses (the origins named by `api=` in
// this script's URL) and for this origin's /mock/* pages and /__mock/*
// control routes, and it answers them with the same Rust code the native
// mock-server runs (crates/billing-mock-worker, built into
// mock-backend/ by scripts/mock-worker.mjs). Everything else goes to the
// network untouched. The widget sends its usual fetch requests to the
// usual URLs and cannot tell this from a server.
"use strict";

importScripts("mock-backend/backend.js");

const params = new URL(self.location.href).searchParams;
const apiOrigins = new Set(params.getAll("api"));
// A real server answers in a few hundred milliseconds; so does the demo,
// so loading states show as they will in production. `delay=off` (the
// benchmarks) leaves only the latency the mock's faults add.
const demoDelay = params.get("delay") !== "off";
// A hung request is held this long, well past the widget's timeout.
const HANG_MS = 120_000;

// The mock's state outlives this worker (browsers stop idle workers) in
// the Cache API: one JSON document, written after every answer.
const STORE = "billing-mock";
const STATE_KEY = new URL("mock-backend/state.json", self.location.href).href;

async function loadState() {
  const store = await caches.open(STORE);
  const saved = await store.match(STATE_KEY);
  return saved ? saved.text() : null;
}

async function saveState(text) {
  const store = await caches.open(STORE);
  await store.put(STATE_KEY, new Response(text, { headers: { "Content-Type": "application/json" } }));
}

let host = null;
async function mockHost() {
  if (host === null) {
    await wasm_bindgen({ module_or_path: "mock-backend/backend_bg.wasm" });
    host = new wasm_bindgen.MockHost(await loadState(), self.location.origin);
    if (host.discarded) console.warn(`mock backend: ${host.discarded}`);
  }
  return host;
}

// One request at a time, each seeing the state the one before left, as
// with one server; waiting (latency, hangs) happens outside the queue.
let queue = Promise.resolve();
function inTurn(work) {
  const turn = queue.then(work);
  queue = turn.catch(() => {});
  return turn;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function isMocked(url) {
  if (url.origin !== self.location.origin) return apiOrigins.has(url.origin);
  return url.pathname.startsWith("/mock/") || url.pathname.startsWith("/__mock/");
}

async function answer(request) {
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const exchange = {
    method: request.method,
    url: request.url,
    headers: [...request.headers],
    body: hasBody ? await request.text() : null,
  };
  const reply = await inTurn(async () => {
    const mock = await mockHost();
    const reply = JSON.parse(mock.handle(JSON.stringify(exchange), Date.now()));
    await saveState(mock.state());
    return reply;
  });
  if (reply.hang) {
    await sleep(HANG_MS);
    return new Response(null, { status: 504, statusText: "mock: no answer" });
  }
  const control = new URL(request.url).pathname.startsWith("/__mock/");
  const wait = reply.delay_ms + (demoDelay && !control ? 120 + Math.floor(Math.random() * 240) : 0);
  if (wait > 0) await sleep(wait);
  const headers = new Headers(reply.headers);
  // A page reads an answer from another origin only through CORS: the
  // mock's headers (Date, Retry-After, the mock marker) stay readable.
  headers.set("Access-Control-Expose-Headers", "*");
  const nullBody = [101, 204, 205, 304].includes(reply.status);
  return new Response(nullBody ? null : reply.body, { status: reply.status, headers });
}

function failure(error) {
  const body = JSON.stringify({
    error: "mock_backend_failed",
    error_description: `the demo's mock backend could not answer: ${error}`,
  });
  return new Response(body, { status: 500, headers: { "Content-Type": "application/json" } });
}

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
// A page loaded past the worker (a hard reload) asks to be taken over.
self.addEventListener("message", (event) => {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (!isMocked(url)) return;
  event.respondWith(answer(event.request).catch(failure));
});
