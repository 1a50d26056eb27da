// Builds the demo's mock backend for the browser: the billing-mock-worker
// crate to wasm, its wasm-bindgen glue (a classic script, as a Service
// Worker's importScripts needs), and, in release builds, wasm-opt -Oz.
// Writes <dist>/mock-backend/backend.js and backend_bg.wasm, which
// public/mock-sw.js loads. The widget's own wasm never contains the mock:
// the worker starts beside it, only in mock mode. Run by Trunk after each
// build (post_build hook, on the staging folder), or by hand:
//
//   node scripts/mock-worker.mjs [dist] [--release]
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const release = process.env.TRUNK_PROFILE ? process.env.TRUNK_PROFILE === "release" : args.includes("--release");
const dist = process.env.TRUNK_STAGING_DIR ?? args.find((a) => !a.startsWith("--")) ?? "dist";
const out = join(dist, "mock-backend");

const run = (command, commandArgs) => execFileSync(command, commandArgs, { stdio: ["ignore", "inherit", "inherit"] });

// Trunk's own cargo run has brought Cargo.lock up to date by now.
const cargoArgs = ["build", "--locked", "-p", "billing-mock-worker", "--lib", "--target", "wasm32-unknown-unknown"];
if (release) cargoArgs.push("--release");
run("cargo", cargoArgs);

const wasm = join("target", "wasm32-unknown-unknown", release ? "release" : "debug", "billing_mock_worker.wasm");
mkdirSync(out, { recursive: true });
run("wasm-bindgen", ["--target", "no-modules", "--no-typescript", "--out-dir", out, "--out-name", "backend", wasm]);
const bytes = join(out, "backend_bg.wasm");
if (release) {
  run("wasm-opt", ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "-o", bytes, bytes]);
}
console.log(`mock-worker: ${bytes} ${statSync(bytes).size} bytes${release ? " (wasm-opt -Oz)" : ""}`);
