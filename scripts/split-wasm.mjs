// Cuts the widget's wasm into the first screen and one chunk per area of
// pages (src/ui/lazy_pages.rs marks the split points), and puts the pieces
// in place of Trunk's single module. Run by scripts/post-build.mjs after
// each Trunk build, on the staging folder, or by hand after `trunk build`:
//
//   node scripts/split-wasm.mjs [dist] [--release]
//
// Trunk has no step between cargo and wasm-bindgen, where the split must
// happen, so this starts again from cargo's output (linked with
// `--emit-relocs`, see build.rs):
//
//   1. wasm-split-cli: the main module, a `split_<area>.wasm` per area, the
//      `chunk_<n>.wasm` pieces that several areas share, and
//      `__wasm_split.js`, the loader that fetches them;
//   2. wasm-bindgen --keep-lld-exports on the main module (the chunks call
//      into it through those exports), under Trunk's hashed file names, so
//      index.html's loader script and its CSP hash stay as they are;
//   3. wasm-opt -Oz on the main module and on every chunk (release builds;
//      index.html turns Trunk's own wasm-opt off);
//   3b. the small shared chunks are merged into one (`chunk_small`, see
//      mergeSmallChunks): one request instead of dozens;
//   4. chunk and loader names get a hash of their content (they are cached
//      for a year, see scripts/csp.mjs), and index.html's integrity hashes
//      follow the new main files.
//
// A build without split points (`--no-default-features`) gets steps 2 and 3.
import { createHash } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = "billing-widget";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const dist = process.env.TRUNK_STAGING_DIR ?? args.find((a) => !a.startsWith("--")) ?? "dist";
const release = process.env.TRUNK_PROFILE ? process.env.TRUNK_PROFILE === "release" : args.includes("--release");
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const linked = join(targetDir, "wasm32-unknown-unknown", release ? "release" : "debug", `${BIN}.wasm`);

const fail = (message) => {
  console.error(`split-wasm: ${message}`);
  process.exit(1);
};
const run = (command, commandArgs) => execFileSync(command, commandArgs, { stdio: ["ignore", "inherit", "inherit"] });
const contentHash = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);
const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
const WASM_OPT_FLAGS = ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"];
// wasm-opt warns of every name subsection it does not know (rustc writes
// some binaryen has not learnt), once per module: noise, not a problem.
const optimiseQuietly = (args) => {
  const result = spawnSync("wasm-opt", [...WASM_OPT_FLAGS, ...args], { encoding: "utf8" });
  const stderr = (result.stderr ?? "").split("\n").filter((line) => line && !/unknown name subsection/.test(line));
  if (stderr.length) console.error(stderr.join("\n"));
  if (result.status !== 0) fail(`wasm-opt ${args.join(" ")} failed (${result.error ?? `exit ${result.status}`})`);
};
const optimise = (path) => optimiseQuietly(["-o", path, path]);

// Trunk's names for the glue and the main module: `billing-widget-<hash>.js`
// and `billing-widget-<hash>_bg.wasm`, named in index.html.
const htmlPath = join(dist, "index.html");
let html = readFileSync(htmlPath, "utf8");
const glueName = readdirSync(dist).find((name) => new RegExp(`^${BIN}-[0-9a-f]+\\.js$`).test(name));
if (!glueName || !html.includes(glueName)) fail(`no ${BIN}-<hash>.js of ${htmlPath} in ${dist}`);
const outName = glueName.slice(0, -".js".length);
const mainName = `${outName}_bg.wasm`;
const oldGlue = readFileSync(join(dist, glueName));
const oldMain = readFileSync(join(dist, mainName));
if (!existsSync(linked)) fail(`${linked} not found: Trunk's cargo build writes it`);

/**
 * Which files each area's pages need (its own module first, then the pieces
 * it shares), read from the loader wasm-split-cli wrote: the manifest
 * (`wasm-split.json`) the bench reads, and that a server may use for
 * preload hints.
 */
function areaFiles(loader, chunkCount) {
  const file = String.raw`makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\./([^"]+)"`;
  const shared = new Map(
    [...loader.matchAll(new RegExp(String.raw`const (__chunk_\d+) = ${file}`, "g"))].map((m) => [m[1], m[2]]),
  );
  // Merged chunks (mergeSmallChunks) are aliases of the one that loads them.
  for (const [, alias, target] of loader.matchAll(/const (__chunk_\d+) = (__chunk_\d+);/g)) {
    if (!shared.has(target)) fail(`${alias} is an alias of ${target}, which the loader does not define`);
    shared.set(alias, shared.get(target));
  }
  const areas = {};
  for (const m of loader.matchAll(new RegExp(String.raw`export const __wasm_split_load_(\w+) = wrapAsyncCb\(${file}[\s\S]*?, \[([^\]]*)\]\)\)`, "g"))) {
    const deps = m[3].split(",").map((d) => d.trim()).filter(Boolean);
    if (deps.some((d) => !shared.has(d))) fail(`the loader of ${m[1]} names a chunk it does not define`);
    areas[m[1]] = [m[2], ...new Set(deps.map((d) => shared.get(d)))];
  }
  const named = new Set(Object.values(areas).flat());
  if (named.size !== chunkCount) fail(`the loader names ${named.size} of ${chunkCount} chunks: has its format changed?`);
  return areas;
}

/** Shared chunks under this size (bytes, optimised) are merged into one. */
const SMALL_CHUNK_BYTES = 4096;
const MERGED_CHUNK = "chunk_small.wasm";
/** Areas a first paint may wait for (see mergeSmallChunks). */
const LEAN_AREAS = ["texts_pl"];
// What rustc's wasm32 target emits (a chunk's target_features section),
// spelled out because text has no such section.
const CHUNK_FEATURES = [
  "--mvp-features",
  "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int",
  "--enable-bulk-memory",
  "--enable-bulk-memory-opt",
  "--enable-sign-ext",
  "--enable-reference-types",
  "--enable-multivalue",
  "--enable-call-indirect-overlong",
];

/**
 * wasm-split-cli gives every set of areas that shares code a chunk of its
 * own: dozens, most under a kilobyte, each a request and a module's
 * overhead. This merges those under SMALL_CHUNK_BYTES into one module
 * (binaryen's wasm-merge) that every area needing any of them loads: a
 * chunk has no side effect but filling its own table slots and memory, so
 * loading one early is harmless. The loader's definitions of the merged
 * chunks become aliases of the one that fetches the merged file.
 *
 * Returns the chunk file names and the loader after the merge.
 */
function mergeSmallChunks(split, chunks, loader) {
  const small = chunks
    .filter((name) => /^chunk_\d+\.wasm$/.test(name) && readFileSync(join(split, name)).length < SMALL_CHUNK_BYTES)
    .sort((a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0]));
  // An area the first paint may wait for keeps its pieces apart from the
  // others' (a Polish page would otherwise fetch code only other areas use).
  const neededBy = (name) => {
    const found = loader.match(new RegExp(String.raw`/\* ([^*]*) \*/\nconst __chunk_\d+ = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\./${name.replace(".", "\\.")}"`));
    if (!found) fail(`__wasm_split.js does not say which areas need ${name}: has its format changed?`);
    return found[1].split(",").map((area) => area.trim());
  };
  const groups = new Map();
  for (const name of small) {
    const lean = neededBy(name).filter((area) => LEAN_AREAS.includes(area));
    const merged = lean.length ? `chunk_small_${lean.join("_")}.wasm` : MERGED_CHUNK;
    groups.set(merged, [...(groups.get(merged) ?? []), name]);
  }
  for (const [merged, members] of groups) {
    if (members.length > 1) ({ chunks, loader } = mergeChunks(split, chunks, loader, members, merged));
  }
  return { chunks, loader };
}

/** Merges `small` (two or more shared chunks) into one file, `mergedName`. */
function mergeChunks(split, chunks, loader, small, mergedName) {
  const texts = small.map((name) => execFileSync("wasm-dis", [join(split, name)], { maxBuffer: 1 << 28 }).toString());
  // wasm-merge would keep one copy of the memory, table and globals per
  // module: every module imports them from a hub that imports them once.
  const imports = new Map();
  const importLine = /^ \(import "__wasm_split" "([^"]+)" \((memory|table|global|func) \$\S+ (.*)\)\)$/gm;
  for (const text of texts) {
    for (const [, name, kind, type] of text.matchAll(importLine)) {
      const known = imports.get(name);
      if (known && known.kind !== kind) fail(`chunks import ${name} as ${known.kind} and ${kind}`);
      // Memory and table limits: the largest minimum any chunk declares.
      const minimum = (t) => Number(t.match(/^\d+/)?.[0] ?? 0);
      if (!known || minimum(type) > minimum(known.type)) imports.set(name, { kind, type });
    }
  }
  const hub = [...imports].map(
    ([name, { kind, type }], i) => ` (import "__wasm_split" "${name}" (${kind} $hub${i} ${type}))\n (export "${name}" (${kind} $hub${i}))`,
  );
  const work = join(split, `merge-${mergedName}`);
  mkdirSync(work);
  writeFileSync(join(work, "hub.wat"), `(module\n${hub.join("\n")}\n)\n`);
  const mergeArgs = [...CHUNK_FEATURES, join(work, "hub.wat"), "hub"];
  small.forEach((name, i) => {
    const wat = join(work, `${i}.wat`);
    writeFileSync(wat, texts[i].replaceAll('(import "__wasm_split" ', '(import "hub" '));
    mergeArgs.push(wat, `m${i}`);
  });
  const merged = join(work, "merged.wasm");
  run("wasm-merge", [...mergeArgs, "-o", merged]);
  // The hub's re-exports are not needed once merged.
  const mergedText = execFileSync("wasm-dis", [merged], { maxBuffer: 1 << 28 })
    .toString()
    .replace(/^ \(export .*\)$/gm, "");
  if (/^ \(import "(?!__wasm_split")/m.test(mergedText)) fail("the merged chunk imports from somewhere other than the main module");
  writeFileSync(join(work, "merged.wat"), mergedText);
  optimiseQuietly([...CHUNK_FEATURES, "-o", join(split, mergedName), join(work, "merged.wat")]);

  const definition = (name) =>
    new RegExp(String.raw`(?:/\* [^*]* \*/\n)?const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\./${name.replace(".", "\\.")}"[\s\S]*?\n, \[\]\);`);
  const first = loader.match(definition(small[0]));
  if (!first) fail(`__wasm_split.js does not define ${small[0]} as expected: has its format changed?`);
  loader = loader.replace(first[0], first[0].replace(`"./${small[0]}"`, `"./${mergedName}"`));
  for (const name of small.slice(1)) {
    const found = loader.match(definition(name));
    if (!found) fail(`__wasm_split.js does not define ${name} as expected: has its format changed?`);
    loader = loader.replace(found[0], `const ${found[1]} = ${first[1]};`);
  }
  return { chunks: [...chunks.filter((name) => !small.includes(name)), mergedName], loader };
}

const work = mkdtempSync(join(tmpdir(), "split-wasm-"));
try {
  const split = join(work, "split");
  run("wasm-split-cli", ["--target", "web", "--out-name", outName, linked, split]);
  let chunks = readdirSync(split).filter((name) => /^(split|chunk)_.*\.wasm$/.test(name));
  // Without split points there is nothing to cut: bind the module as it is.
  const bindInput = chunks.length > 0 ? join(split, `${outName}.wasm`) : linked;
  const bound = join(work, "bound");
  const bindgenArgs = ["--target", "web", "--no-typescript", "--out-dir", bound, "--out-name", outName];
  if (chunks.length > 0) bindgenArgs.push("--keep-lld-exports", "--no-demangle");
  run("wasm-bindgen", [...bindgenArgs, bindInput]);
  if (release) {
    optimise(join(bound, mainName));
    for (const chunk of chunks) optimise(join(split, chunk));
  }

  let glue = readFileSync(join(bound, `${outName}.js`), "utf8");
  const renamed = [];
  if (chunks.length > 0) {
    let loader = readFileSync(join(split, "__wasm_split.js"), "utf8");
    if (release) ({ chunks, loader } = mergeSmallChunks(split, chunks, loader));
    for (const chunk of chunks) {
      const bytes = readFileSync(join(split, chunk));
      const name = `${chunk.slice(0, -".wasm".length)}-${contentHash(bytes)}.wasm`;
      const reference = `"./${chunk}"`;
      if (!loader.includes(reference)) fail(`__wasm_split.js does not load ${chunk}`);
      loader = loader.replaceAll(reference, `"./${name}"`);
      writeFileSync(join(dist, name), bytes);
      renamed.push([chunk, name, bytes.length]);
    }
    writeFileSync(join(dist, "wasm-split.json"), `${JSON.stringify(areaFiles(loader, chunks.length), null, 2)}\n`);
    const loaderName = `wasm-split-${contentHash(loader)}.js`;
    writeFileSync(join(dist, loaderName), loader);
    // Only the import statements: the import object's keys must stay the
    // module names the wasm itself imports from.
    const importFrom = /(import \* as \w+ from )"\.\/__wasm_split\.js"/g;
    if (!importFrom.test(glue)) fail("the glue does not import __wasm_split.js");
    glue = glue.replace(importFrom, `$1"./${loaderName}"`);
    // Fetched with the glue, not after it is parsed.
    // (Release HTML is minified: attribute values may be unquoted.)
    const gluePreload = html.match(new RegExp(`<link\\b[^>]*\\bhref="?([^" >]*)${glueName}"?[^>]*>`));
    if (!gluePreload || !gluePreload[0].includes("modulepreload")) fail(`no modulepreload of ${glueName} in ${htmlPath}`);
    const loaderPreload = `<link rel="modulepreload" href="${gluePreload[1]}${loaderName}" crossorigin="anonymous" integrity="${sri(loader)}">`;
    html = html.replace(gluePreload[0], `${gluePreload[0]}${loaderPreload}`);
    renamed.push(["__wasm_split.js", loaderName, loader.length]);
  }

  const newMain = readFileSync(join(bound, mainName));
  for (const [before, after] of [
    [oldGlue, Buffer.from(glue)],
    [oldMain, newMain],
  ]) {
    if (!html.includes(sri(before))) fail(`${htmlPath} has no integrity hash of Trunk's file to replace`);
    html = html.replaceAll(sri(before), sri(after));
  }
  writeFileSync(join(dist, glueName), glue);
  writeFileSync(join(dist, mainName), newMain);
  writeFileSync(htmlPath, html);

  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`split-wasm: ${mainName} ${kib(newMain.length)} (first screen)${release ? ", wasm-opt -Oz" : ""}`);
  for (const [, name, size] of renamed) console.log(`split-wasm:   ${name} ${kib(size)}`);
  if (chunks.length === 0) console.log("split-wasm: no split points (built without the `split` feature)");
} finally {
  rmSync(work, { recursive: true, force: true });
}
