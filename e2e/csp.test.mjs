// The built app under its own Content-Security-Policy (dist/_headers, made
// by scripts/csp.mjs after every build): the flows run with no violation
// reported, and a page on another origin cannot frame it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { journey, launch, SIDEBAR } from "./harness.mjs";
import { serve } from "./serve.mjs";
import { signIn } from "./widget.mjs";

const DIST = process.env.E2E_DIST ?? "dist";
const env = {};
let policy;

before(async () => {
  const headers = await readFile(`${DIST}/_headers`, "utf8");
  policy = headers.match(/Content-Security-Policy: (.+)/)?.[1];
  assert.ok(policy, "dist/_headers holds a Content-Security-Policy");
  const { server, browser } = await launch();
  // The journeys' usual server stays for the framing page; the app itself
  // is served with its policy.
  env.plain = server;
  env.browser = browser;
  env.server = await serve(DIST, { pageHeaders: { "content-security-policy": policy } });
});

after(async () => {
  await env.browser?.close();
  await env.server?.close();
  await env.plain?.close();
});

/** Collects CSP violations reported in the page (and its frames). */
async function watchViolations(page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`),
    );
  });
  return () => page.evaluate(() => window.__violations);
}

test("the policy is strict: no unsafe-inline or unsafe-eval, only wasm compilation", () => {
  assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/);
  assert.match(policy, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/);
  assert.match(policy, /frame-ancestors https:\/\/my\.livechatinc\.com(;| https)/);
  assert.doesNotMatch(policy, /frame-ancestors[^;]*'self'/, "not even this origin frames it");
  assert.match(policy, /object-src 'none'/);
});

test("sign-in, buying, the crypto checkout and the plans run with no violation", async () => {
  const j = await journey(env.browser, env.server, "csp-flows", { viewport: SIDEBAR });
  const { page, step, screenshot } = j;
  const violations = await watchViolations(page);
  try {
    await step("sign in and buy a one-time item to the end", async () => {
      await signIn(j);
      await page.getByTestId("buy").first().click();
      await page.getByTestId("mock-accept").click();
      await page.locator('[data-testid="return-phase"][data-phase="finished"]').waitFor({ timeout: 30_000 });
    });
    await step("crypto: quotes with logos, a QR code and copy buttons", async () => {
      await page.route("https://assets.bidali.com/**", (route) => route.abort("namenotresolved"));
      await page.goto(j.url("/crypto"));
      await page.getByTestId("crypto-submit").click();
      await page.getByTestId("quote-list").waitFor();
      await page.getByTestId("quote-bitcoin").getByTestId("quote-choose").click();
      await page.getByTestId("payment-qr").waitFor();
      await screenshot("crypto-under-csp");
    });
    await step("plans and the ledger", async () => {
      await page.goto(j.url("/plans"));
      await page.getByTestId("page-plans").waitFor();
      await page.goto(j.url("/ledger"));
      await page.getByTestId("page-ledger").waitFor();
    });
    assert.deepEqual(await violations(), []);
    assert.deepEqual(j.consoleErrors.filter((e) => /Content Security Policy/i.test(e)), []);
  } finally {
    await j.close();
  }
});

test("requests go only to this origin and the APIs config.json names", async () => {
  const config = JSON.parse(await readFile(`${DIST}/config.json`, "utf8"));
  const apis = [
    config.livechat.accounts_url,
    config.livechat.billing_api_url,
    config.bidali.api_url,
    config.plans.api_url,
  ].map((url) => new URL(url).origin);
  const connect = policy.split("; ").find((directive) => directive.startsWith("connect-src "));
  assert.deepEqual(connect.split(" ").slice(1), ["'self'", ...new Set(apis)]);

  const j = await journey(env.browser, env.server, "csp-connect");
  const { page, step } = j;
  const violations = await watchViolations(page);
  try {
    await step("a request to any other origin is blocked and reported", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("page-home").waitFor();
      const outcome = await page.evaluate(() =>
        fetch("https://collector.example.org/steal").then(() => "sent", () => "blocked"),
      );
      assert.equal(outcome, "blocked");
      assert.deepEqual(await violations(), ["connect-src blocked https://collector.example.org/steal"]);
    });
  } finally {
    await j.close();
  }
});

test("a page on an origin not in host_origins cannot frame the widget", async () => {
  const j = await journey(env.browser, env.plain, "csp-framing");
  const { page, step } = j;
  try {
    await step("the frame stays empty", async () => {
      const blocked = page.waitForEvent("console", (msg) => /frame-ancestors/.test(msg.text()));
      await page.goto(j.url("/no-such-page"));
      await page.evaluate((src) => {
        const frame = document.createElement("iframe");
        frame.src = src;
        document.body.appendChild(frame);
      }, env.server.url + "/");
      await blocked;
      const widget = page.frames().find((f) => f.url().startsWith(env.server.url));
      const mounted = widget ? await widget.locator("[data-testid=page-home]").count() : 0;
      assert.equal(mounted, 0, "the widget did not run inside a foreign page");
    });
  } finally {
    await j.close();
  }
});
