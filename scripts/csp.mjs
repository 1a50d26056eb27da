// Writes the Content-Security-Policy of a built app to <dist>/_headers (the
// format Netlify and Cloudflare Pages read; copy the policy into any other
// server's configuration) and prints it, with long-lived caching of the
// files whose names carry a hash of what they hold. Run by Trunk after each build
// (post_build hook, on the staging folder), or by hand:
//
//   node scripts/csp.mjs [dist]
//
// The policy allows only what the app needs: its own files; the inline
// loader script Trunk writes, by its SHA-256 hash; WebAssembly compilation
// ('wasm-unsafe-eval', not 'unsafe-eval'); requests to the APIs named in
// config.json; Bidali's logos when remote logos are on; and framing only by
// the configured LiveChat host origins.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? "dist";
const html = readFileSync(join(dist, "index.html"), "utf8");
const config = JSON.parse(readFileSync(join(dist, "config.json"), "utf8"));

const origin = (url) => new URL(url).origin;
const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inlineScripts.length === 0) {
  console.error(`csp: no inline loader script found in ${join(dist, "index.html")}`);
  process.exit(1);
}
const hashes = inlineScripts.map((body) => `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);

const apis = new Set(
  [config.livechat?.accounts_url, config.livechat?.billing_api_url, config.bidali?.api_url, config.plans?.api_url]
    .filter(Boolean)
    .map(origin),
);
const images = ["'self'"];
if (config.bidali?.remote_logos !== false) images.push("https://assets.bidali.com");
// Only the LiveChat hosts may frame the widget; with none configured, nobody.
const hosts = (config.host_origins ?? []).map(origin);
const ancestors = hosts.length > 0 ? hosts : ["'none'"];

const policy = [
  "default-src 'self'",
  `script-src 'self' ${hashes.join(" ")} 'wasm-unsafe-eval'`,
  "style-src 'self'",
  `img-src ${images.join(" ")}`,
  `connect-src 'self' ${[...apis].join(" ")}`,
  `frame-ancestors ${ancestors.join(" ")}`,
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

// A hashed name (Trunk's `main-<hash>.css`, `billing-widget-<hash>.js` and
// `_bg.wasm`; scripts/split-wasm.mjs's chunks and loader) changes whenever
// its content does, so a browser may keep it for a year without asking.
// index.html and config.json are asked for again each time.
const HASHED = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/;
const immutable = readdirSync(dist)
  .filter((name) => HASHED.test(name))
  .sort()
  .map((name) => `/${name}\n  Cache-Control: public, max-age=31536000, immutable\n`);

writeFileSync(join(dist, "_headers"), [`/*\n  Content-Security-Policy: ${policy}\n`, ...immutable].join(""));
console.log(`Content-Security-Policy: ${policy}`);
console.log(`csp: ${immutable.length} hashed files cached for a year`);
