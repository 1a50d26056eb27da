// A static file server for the built app (dist/), with the single-page-app
// fallback Trunk's dev server also has: unknown paths get index.html, so
// direct navigation to /charges and reloads work. Loopback only.
//
// With `compress: true` it also compresses text and wasm the way a
// deployment's static host or CDN does (brotli, else gzip, by the request's
// Accept-Encoding), so transferred bytes are those a real visitor downloads.
// The default is uncompressed, which the end-to-end journeys use.
import { createServer } from "node:http";
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** The types sent compressed when `compress` is on (images stay as they are). */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".wasm", ".css", ".json", ".svg"]);

const ENCODERS = {
  br: (body) => promisify(brotliCompress)(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  gzip: (body) => promisify(gzip)(body, { level: 9 }),
};

// Compressed bodies, shared by every server of this process: brotli at
// quality 11 takes seconds for a large wasm, so each file is compressed once
// per encoding. The key holds the file's size and mtime, so a rebuilt file
// is compressed afresh. Values are promises: concurrent requests share one.
const compressed = new Map();

async function encoded(file, encoding) {
  const { size, mtimeMs } = await stat(file);
  const key = `${encoding} ${mtimeMs} ${size} ${file}`;
  if (!compressed.has(key)) {
    const pending = readFile(file).then(ENCODERS[encoding]);
    pending.catch(() => compressed.delete(key));
    compressed.set(key, pending);
  }
  return compressed.get(key);
}

/** The compressible files under `dir`, at any depth. */
async function compressibleFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && COMPRESSIBLE.has(extname(e.name)))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

/**
 * The encoding to answer with for an Accept-Encoding header: `br` when the
 * client accepts it, else `gzip`, else none. Codings with `q=0` are refused.
 */
export function chooseEncoding(acceptEncoding = "") {
  const accepted = new Map();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const allows = (coding) => {
    const q = accepted.get(coding) ?? accepted.get("*");
    return q != null && q > 0;
  };
  return ["br", "gzip"].find(allows) ?? null;
}

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves `root` on 127.0.0.1 (port 0: any free one). Resolves to { url, close }.
 * `pageHeaders` are added to HTML pages (e.g. a Content-Security-Policy).
 * `compress: true` sends wasm, JS, CSS, HTML, JSON and SVG brotli-compressed
 * (quality 11) when the request accepts `br`, else gzip (level 9), with
 * `content-encoding` and `vary: accept-encoding`; each file is compressed
 * once per encoding and kept in memory, brotli before the server starts.
 */
export async function serve(root, { port = 0, pageHeaders = {}, compress = false } = {}) {
  const base = resolve(root);
  if (!(await isFile(join(base, "index.html")))) {
    throw new Error(`${base}/index.html not found: build the app first (trunk build --release)`);
  }
  // Brotli, the encoding browsers ask for, is done before the server
  // answers, so no measured load waits for a compressor; gzip on first use.
  if (compress) {
    await Promise.all((await compressibleFiles(base)).map((file) => encoded(file, "br")));
  }
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(path);
    const wanted = normalize(join(base, path));
    let file = wanted.startsWith(base) && (await isFile(wanted)) ? wanted : null;
    // Only paths without a file extension are app routes; a missing asset is a 404.
    if (!file && !extname(path)) file = join(base, "index.html");
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const headers = {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
      ...(extname(file) === ".html" ? pageHeaders : {}),
    };
    let body;
    if (compress && COMPRESSIBLE.has(extname(file))) {
      headers.vary = "accept-encoding";
      const encoding = chooseEncoding(req.headers["accept-encoding"]);
      if (encoding) {
        headers["content-encoding"] = encoding;
        body = await encoded(file, encoding);
      }
    }
    body ??= await readFile(file);
    res.writeHead(200, headers).end(body);
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

// `node e2e/serve.mjs [dir] [port]` serves a build by hand.
if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await serve(process.argv[2] ?? "dist", { port: Number(process.argv[3] ?? 8080) });
  console.log(`serving on ${server.url}`);
}
