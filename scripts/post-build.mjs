// Trunk's post_build steps that must run one after another, in this order
// (Trunk starts all hooks of a stage at once, and each of these reads what
// the one before wrote into the staging folder):
//
//   split-wasm.mjs   the wasm cut by route; index.html's integrity hashes
//   minify-glue.mjs  the JS glue and split loader minified (release)
//   csp.mjs          _headers: the CSP (hashing index.html's loader script)
//                    and long-lived caching of the hashed files
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const scripts = dirname(fileURLToPath(import.meta.url));
for (const step of ["split-wasm.mjs", "minify-glue.mjs", "csp.mjs"]) {
  execFileSync(process.execPath, [join(scripts, step), ...process.argv.slice(2)], { stdio: "inherit" });
}
