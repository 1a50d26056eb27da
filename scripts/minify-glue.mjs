// Minifies the wasm-bindgen JS glue of a release build (Trunk minifies the
// HTML and CSS, not the glue) and updates its Subresource Integrity hash in
// index.html, which the browser checks before running it. Run by Trunk
// after each build (post_build hook, on the staging folder; debug builds
// are left readable), or by hand:
//
//   node scripts/minify-glue.mjs [dist]
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "terser";

if (process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== "release") process.exit(0);

const dist = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? "dist";
const htmlPath = join(dist, "index.html");
let html = readFileSync(htmlPath, "utf8");
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

const glue = readdirSync(dist).filter((name) => name.endsWith(".js") && html.includes(name));
if (glue.length === 0) {
  console.error(`minify-glue: no script of ${htmlPath} found in ${dist}`);
  process.exit(1);
}
for (const name of glue) {
  const path = join(dist, name);
  const source = readFileSync(path, "utf8");
  // An ES module: top-level names may be mangled, exports keep their names
  // (the loader imports `init` and the bindings by name).
  const { code } = await minify(source, { module: true, compress: { passes: 2 }, mangle: true });
  const before = sri(source);
  if (html.includes(before)) html = html.replaceAll(before, sri(code));
  writeFileSync(path, code);
  console.log(`minify-glue: ${name} ${source.length} -> ${code.length} bytes`);
}
writeFileSync(htmlPath, html);
